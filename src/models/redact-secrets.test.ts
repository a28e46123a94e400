import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact-secrets.js';

describe('redactSecrets', () => {
  it('removes the given keys and key-shaped strings, keeps the rest', () => {
    expect(redactSecrets('Incorrect API key provided: sk-proj-abc123def456. See docs.')).toBe(
      'Incorrect API key provided: sk-[redacted]. See docs.',
    );
    expect(redactSecrets('header Authorization: Bearer abcdefgh12345678')).toBe(
      'header Authorization: Bearer [redacted]',
    );
    expect(redactSecrets('api_key=0123456789abcdef0123')).toBe('api_key=[redacted]');
    expect(redactSecrets('my key hunter2-hunter2 leaked', ['hunter2-hunter2'])).toBe('my key [redacted] leaked');
    expect(redactSecrets('HTTP 500 from http://127.0.0.1:8000/v1: engine died')).toBe(
      'HTTP 500 from http://127.0.0.1:8000/v1: engine died',
    );
  });
});
