import { describe, expect, it } from 'vitest';
import { countTokens } from './count-tokens.js';
import { startTokenCountWorker } from './token-count-worker.js';

const texts = [
  '',
  'Hello',
  '<|im_start|>user\n<think>x</think><|im_end|>',
  '日本語のテキストと絵文字 🙂👩‍👩‍👧',
  'Requests with no admission of intent are allowed. '.repeat(40),
];

describe('startTokenCountWorker', () => {
  it('counts on its thread exactly what countTokens counts here, until it is closed, then here', async () => {
    const worker = startTokenCountWorker();
    const expected = texts.map(countTokens);
    expect(worker.countAll(texts)).toEqual(expected);
    expect(worker.countAll([])).toEqual([]);
    await worker.close();
    expect(worker.countAll(texts)).toEqual(expected);
  });

  it('a worker that cannot load the tokenizer is replaced by counting here', async () => {
    const worker = startTokenCountWorker({ library: '/nonexistent/tokenizers.cjs' });
    expect(worker.countAll(texts)).toEqual(texts.map(countTokens));
    await worker.close();
  });
});

describe('prefetch', () => {
  it('counts texts ahead and answers them from those counts, the same numbers', async () => {
    const worker = startTokenCountWorker();
    worker.prefetch(texts);
    expect(worker.countAll([...texts, 'not prefetched'])).toEqual([...texts, 'not prefetched'].map(countTokens));
    // The empty text is no tokenizer work at all, so it is no hit.
    expect(worker.prefetchedHits()).toBe(texts.length - 1);
    await worker.close();
  });

  it('keeps counts for no more prefetched text than its limit', async () => {
    const worker = startTokenCountWorker({ cacheCharacters: 12 });
    worker.prefetch(['Hello', 'Hello world!', 'x']);
    expect(worker.countAll(['Hello', 'Hello world!', 'x'])).toEqual([1, 3, 1]);
    expect(worker.prefetchedHits()).toBe(1);
    await worker.close();
  });
});
