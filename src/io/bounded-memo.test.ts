import { describe, expect, it } from 'vitest';
import { createBoundedMemo } from './bounded-memo.js';

describe('createBoundedMemo', () => {
  it('keeps at most its limit, emptying itself when a new key would pass it', () => {
    const memo = createBoundedMemo<number>(3);
    for (const [key, value] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      memo.put(key, value);
    expect([memo.get('a'), memo.get('b'), memo.get('c'), memo.size]).toEqual([1, 2, 3, 3]);
    memo.put('b', 20);
    expect([memo.get('b'), memo.size]).toEqual([20, 3]);
    memo.put('d', 4);
    expect([memo.get('a'), memo.get('d'), memo.size]).toEqual([undefined, 4, 1]);
    memo.clear();
    expect(memo.size).toBe(0);
  });
});
