import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('createRateLimiter', () => {
  it('holds requests beyond requestsPerMinute until the window moves', async () => {
    vi.useFakeTimers();
    const limiter = createRateLimiter({ concurrency: 10, requestsPerMinute: 2 });
    const started: number[] = [];
    const runs = [0, 1, 2].map((index) =>
      limiter.run(async () => started.push(index), { estimatedTokens: 1, actualTokens: () => 1 }),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(started).toEqual([0, 1, 2]);
    await Promise.all(runs);
  });

  it('holds a request that would pass tokensPerMinute until earlier usage leaves the window', async () => {
    vi.useFakeTimers();
    const limiter = createRateLimiter({ concurrency: 10, tokensPerMinute: 100 });
    const started: number[] = [];
    const runs = [0, 1].map((index) =>
      limiter.run(async () => started.push(index), { estimatedTokens: 60, actualTokens: () => 70 }),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toEqual([0]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(started).toEqual([0, 1]);
    await Promise.all(runs);
  });

  it('cancels queued work when the signal fires, without touching what already ran', async () => {
    const controller = new AbortController();
    const limiter = createRateLimiter({ concurrency: 1 });
    let release: () => void = () => {};
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const task = () =>
      new Promise<string>((resolve) => {
        release = () => resolve('done');
        started();
      });
    const first = limiter.run(task, { estimatedTokens: 1, signal: controller.signal, actualTokens: () => 1 });
    const second = limiter.run(async () => 'never', {
      estimatedTokens: 1,
      signal: controller.signal,
      actualTokens: () => 1,
    });
    await running;
    controller.abort();
    release();
    await expect(first).resolves.toBe('done');
    await expect(second).rejects.toThrow(/cancelled/);
  });
});
