import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256, stableHash } from './stable-hash.js';

/** The definition: a copy with keys sorted at every depth (undefined fields dropped), then JSON.stringify. */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, inner]) => [key, sortedCopy(inner)]));
  }
  return value;
}

describe('canonicalJson', () => {
  const values: unknown[] = [
    { b: 1, a: [3, { d: undefined, c: 'x' }], é: null, A: true },
    [undefined, () => 1, Number.NaN, 'a"b\n', { z: { y: { x: [] } } }],
    { messages: [{ role: 'user', content: 'Hi', name: undefined }], maxTokens: 10, temperature: 0.7 },
    { when: new Date(0), fn: () => 1, nested: { '10': 1, '9': 2, b: 'ü', '01': 3, '4294967295': 4, '4294967294': 5 } },
    'text',
    42,
    null,
  ];

  it('equals JSON.stringify of the value with keys sorted at every depth', () => {
    for (const value of values) expect(canonicalJson(value)).toBe(JSON.stringify(sortedCopy(value)));
  });

  it('gives equal hashes whatever the key order', () => {
    expect(stableHash({ a: 1, b: { c: 2, d: 3 } })).toBe(stableHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(stableHash({ a: 1 })).not.toBe(stableHash({ a: 2 }));
  });
});

describe('sha256', () => {
  it('is the hex SHA-256 of the UTF-8 text (FIPS 180-2 vector; a non-ASCII text against a Hash object)', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256('é ü 😀')).toBe(createHash('sha256').update('é ü 😀', 'utf8').digest('hex'));
  });
});
