import { describe, expect, it } from 'vitest';
import {
  computeTokenStatistics,
  countColumnInitialRows,
  createCountColumn,
  createTokenTally,
  distribution,
  qwen3TokenCounter,
  type TokenCounter,
  tokenTallyBatchRows,
} from './token-stats.js';

/** Counts whitespace-separated words: easy to reason about in assertions. */
const wordCounter: TokenCounter = { name: 'words', count: (text) => text.split(/\s+/).filter(Boolean).length };
const words = (count: number) => Array.from({ length: count }, () => 'w').join(' ');

describe('distribution', () => {
  it('gives nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(distribution(values)).toEqual({ min: 1, median: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
    expect(distribution([7])).toEqual({ min: 7, median: 7, p95: 7, p99: 7, max: 7, mean: 7 });
    expect(distribution([])).toEqual({ min: 0, median: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });
});

describe('createCountColumn', () => {
  it('keeps every count, in order, as it grows past its first room by doubling', () => {
    expect(countColumnInitialRows).toBe(1_024);
    const column = createCountColumn();
    const rows = countColumnInitialRows * 4 + 3;
    for (let index = 0; index < rows; index++) column.push(index * 7);
    const values = column.values();
    expect(values).toBeInstanceOf(Int32Array);
    expect(values.length).toBe(rows);
    expect(values.buffer.byteLength).toBe(countColumnInitialRows * 8 * 4);
    expect(Array.from(values).every((value, index) => value === index * 7)).toBe(true);
    expect(distribution(values)).toEqual(distribution(Array.from(values)));
  });
});

describe('computeTokenStatistics', () => {
  it('measures prompt, completion and total per row and rounds the longest up to 256', () => {
    const rows = [
      { prompt: words(10), completion: words(90) },
      { prompt: words(20), completion: words(980) },
      { prompt: words(30), completion: words(1070) },
    ];
    const statistics = computeTokenStatistics(rows, {
      counter: wordCounter,
      basis: 'plain-text',
      suggestionFor: 'max_length',
    });
    expect(statistics.total).toEqual({ min: 100, median: 1000, p95: 1100, p99: 1100, max: 1100, mean: 733.3 });
    expect(statistics.prompt.max).toBe(30);
    expect(statistics.completion.min).toBe(90);
    expect(statistics.suggestedMaxLength).toBe(1280);
    expect(statistics.suggestionRule).toContain('1100 tokens');
    expect(statistics.rowsOverLimit).toMatchObject({ '512': 2, '1024': 1, '2048': 0 });
  });

  it('counts a rendered row as the full render, the completion being the rest', () => {
    const statistics = computeTokenStatistics([{ prompt: words(5), full: `${words(5)} ${words(7)}` }], {
      counter: wordCounter,
      basis: 'chat-template',
      suggestionFor: 'max_length',
    });
    expect(statistics).toMatchObject({ rows: 1, total: { max: 12 }, prompt: { max: 5 }, completion: { max: 7 } });
    expect(statistics.suggestedMaxLength).toBe(256);
  });

  it('uses the real Qwen3 tokenizer by default', () => {
    const counter = qwen3TokenCounter();
    expect(counter.name).toBe('qwen3');
    const rendered =
      '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\nThink about it.\n</think>\n\nHello!<|im_end|>\n';
    // @huggingface/tokenizers ids: 151644 872 198 13048 151645 198 151644 77091 198 151667 … 151645 198
    expect(counter.count(rendered)).toBe(21);
  });
});

describe('computeTokenStatistics with a batch counter', () => {
  it('asks countAll once for every text and gives what count per text gives', () => {
    const rows = [
      { prompt: words(10), completion: words(90) },
      { prompt: words(5), full: `${words(5)} ${words(7)}` },
    ];
    const batches: string[][] = [];
    const batchCounter: TokenCounter = {
      name: 'words',
      count: () => {
        throw new Error('count is not called when countAll is there');
      },
      countAll: (texts) => {
        batches.push([...texts]);
        return texts.map(wordCounter.count);
      },
    };
    const options = { basis: 'plain-text', suggestionFor: 'max_length' } as const;
    expect(computeTokenStatistics(rows, { ...options, counter: batchCounter })).toEqual(
      computeTokenStatistics(rows, { ...options, counter: wordCounter }),
    );
    expect(batches).toEqual([[words(10), words(90), words(5), `${words(5)} ${words(7)}`]]);
  });

  it('holds the texts of at most tokenTallyBatchRows rows: a long stream is counted in batches of that many', () => {
    const batchSizes: number[] = [];
    const batchCounter: TokenCounter = {
      name: 'words',
      count: wordCounter.count,
      countAll: (texts) => {
        batchSizes.push(texts.length / 2);
        return texts.map(wordCounter.count);
      },
    };
    function* rows() {
      for (let index = 0; index < 2 * tokenTallyBatchRows + 5; index++)
        yield { prompt: words(1 + (index % 7)), completion: words(index % 3) };
    }
    const options = { basis: 'plain-text', suggestionFor: 'max_length' } as const;
    expect(computeTokenStatistics(rows(), { ...options, counter: batchCounter })).toEqual(
      computeTokenStatistics([...rows()], { ...options, counter: wordCounter }),
    );
    expect(batchSizes).toEqual([tokenTallyBatchRows, tokenTallyBatchRows, 5]);
    expect(tokenTallyBatchRows).toBe(1_000);
  });

  it('counts each row as it comes when the counter takes no batches', () => {
    const counted: string[] = [];
    const counter: TokenCounter = {
      name: 'words',
      count: (text) => {
        counted.push(text);
        return wordCounter.count(text);
      },
    };
    const tally = createTokenTally(counter);
    tally.add({ prompt: words(2), completion: words(3) });
    expect(counted).toEqual([words(2), words(3)]);
    expect(tally.statistics({ basis: 'plain-text', suggestionFor: 'max_length' }).rows).toBe(1);
  });
});
