/**
 * @module models/rate-limiter
 * Per-model limits shared by every call through one ModelClient: concurrency and requests per minute (p-queue),
 * and tokens per minute (a sliding one-minute window of estimated, then actual, token counts).
 */
import PQueue from 'p-queue';
import { CancelledError } from '../errors.js';
import { sleep } from './sleep.js';

export interface RateLimiterOptions {
  concurrency: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export interface RateLimiter {
  /** Runs `task` when a slot is free; `estimatedTokens` counts against tokens-per-minute until `task` reports usage. */
  run<T>(
    task: () => Promise<T>,
    options: { estimatedTokens: number; signal?: AbortSignal; actualTokens: (value: T) => number },
  ): Promise<T>;
}

/** Creates the limiter one ModelClient owns. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const queue = new PQueue({
    concurrency: options.concurrency,
    ...(options.requestsPerMinute ? { intervalCap: options.requestsPerMinute, interval: 60_000, strict: true } : {}),
  });
  const window: Array<{ time: number; tokens: number }> = [];
  const windowTokens = (now: number) => {
    while (window.length > 0 && now - window[0]!.time >= 60_000) window.shift();
    return window.reduce((sum, entry) => sum + entry.tokens, 0);
  };
  /** Waits until the estimate fits the one-minute window, then reserves it (check and reserve in one tick). */
  async function reserveTokens(estimate: number, signal?: AbortSignal): Promise<{ time: number; tokens: number }> {
    const entry = { time: 0, tokens: estimate };
    const limit = options.tokensPerMinute;
    if (!limit) return entry;
    for (;;) {
      const now = Date.now();
      // A request larger than the whole budget runs alone once the window is empty.
      if (windowTokens(now) + estimate <= limit || window.length === 0) {
        entry.time = now;
        window.push(entry);
        return entry;
      }
      await sleep(60_000 - (now - window[0]!.time) + 5, signal);
    }
  }
  return {
    async run(task, runOptions) {
      return queue.add(async () => {
        // Checked when the slot frees, not by p-queue's own signal: that would also drop a result still in flight.
        if (runOptions.signal?.aborted) throw new CancelledError();
        const entry = await reserveTokens(runOptions.estimatedTokens, runOptions.signal);
        const value = await task();
        entry.tokens = runOptions.actualTokens(value);
        return value;
      }) as Promise<Awaited<ReturnType<typeof task>>>;
    },
  };
}
