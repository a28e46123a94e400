import { describe, expect, it, vi } from 'vitest';

const setFlagsFromString = vi.fn();
vi.mock('node:v8', () => ({ setFlagsFromString }));
const { preferSmallHeap, smallHeapFlags } = await import('./prefer-small-heap.js');

describe('preferSmallHeap', () => {
  // The effect is V8's growth heuristic, which depends on timing: measured in bench/memory.bench.ts, not here.
  it('sets --optimize-for-size for the rest of the process', () => {
    expect(smallHeapFlags).toEqual(['--optimize-for-size']);
    preferSmallHeap();
    expect(setFlagsFromString.mock.calls).toEqual([['--optimize-for-size']]);
  });
});
