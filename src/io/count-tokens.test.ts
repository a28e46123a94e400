import { describe, expect, it } from 'vitest';
import { countTokens, tokenizerName, tokensOverLimit, tokenUpperBound } from './count-tokens.js';

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

describe('tokenUpperBound and tokensOverLimit', () => {
  // NFC lengthens U+0344 (2 → 4 bytes) and U+FB2C (3 → 6 bytes): the bound is taken after it.
  const texts = [
    'Hello',
    '  \n\n\t  spaces and\r\nnewlines  ',
    '\u0344\u0344\u0344 \uFB2C\uFB2C',
    '日本語のテキストと絵文字 🙂🙂👩‍👩‍👧',
    '<|im_start|>user\n<think>x</think><|im_end|>',
    'Requests with no admission of intent are allowed. '.repeat(50),
    'e\u0301 combining marks \u0301\u0301\u0301',
  ];

  it('never counts fewer tokens than the bound allows', () => {
    for (const text of texts) expect(countTokens(text), text).toBeLessThanOrEqual(tokenUpperBound(text));
    expect(tokenUpperBound('\u0344')).toBe(4);
  });

  it('gives the exact count only for a text over the limit', () => {
    const text = 'Requests with no admission of intent are allowed. '.repeat(20);
    const tokens = countTokens(text);
    expect(tokenUpperBound(text)).toBeGreaterThan(tokens);
    expect(tokensOverLimit(text, tokenUpperBound(text)), 'the bound settles it').toBeNull();
    expect(tokensOverLimit(text, tokens), 'the bound does not settle it; the count does').toBeNull();
    expect(tokensOverLimit(text, tokens - 1)).toBe(tokens);
    expect(tokensOverLimit('', 0)).toBeNull();
  });
});
