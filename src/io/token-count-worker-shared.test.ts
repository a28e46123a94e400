import { describe, expect, it, vi } from 'vitest';
import { startTokenCountWorker } from './token-count-worker.js';

const threads = vi.hoisted(() => ({ started: 0 }));

// Counts the worker threads started (each would build its own tokenizer: 0.6–0.8 s and ~120 MB).
vi.mock('node:worker_threads', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:worker_threads')>();
  class CountedWorker extends original.Worker {
    constructor(...args: ConstructorParameters<typeof original.Worker>) {
      super(...args);
      threads.started += 1;
    }
  }
  return { ...original, Worker: CountedWorker };
});

describe('the shared token worker', () => {
  it('is one thread per process: a second run uses the first one’s, without its prefetched counts', async () => {
    const first = startTokenCountWorker();
    first.prefetch(['Hello']);
    expect(first.countAll(['Hello'])).toEqual([1]);
    expect(first.prefetchedHits()).toBe(1);
    await first.close();
    const second = startTokenCountWorker();
    expect(second.countAll(['Hello', 'Hello world!'])).toEqual([1, 3]);
    expect(second.prefetchedHits(), 'the cache was cleared for the new run').toBe(0);
    await second.close();
    expect(threads.started).toBe(1);
    // A worker with options of its own is its own thread.
    const own = startTokenCountWorker({ cacheCharacters: 10 });
    expect(own.countAll(['Hello'])).toEqual([1]);
    await own.close();
    expect(threads.started).toBe(2);
  });
});
