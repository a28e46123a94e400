import { describe, expect, it } from 'vitest';
import { countTokens, tokenizerName } from './count-tokens.js';

describe('countTokens', () => {
  it('counts Qwen3 tokens', () => {
    expect(tokenizerName).toBe('qwen3');
    expect(countTokens('')).toBe(0);
    expect(countTokens('Hello')).toBe(1);
    // Special tokens are single tokens in the Qwen3 vocabulary.
    expect(countTokens('<think>')).toBe(1);
    const sentence = 'Requests with no admission of intent are allowed.';
    expect(countTokens(sentence.repeat(10))).toBeGreaterThan(countTokens(sentence) * 9);
  });
});
