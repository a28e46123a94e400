import { describe, expect, it } from 'vitest';
import { createIndexChains, type IndexChains } from './index-chains.js';
import { mixHash32 } from './string-hash32.js';

const indexesOf = (chains: IndexChains, list: number, key: number) => {
  const indexes: number[] = [];
  for (let index = chains.first(list, key); index >= 0; index = chains.after(list, index, key)) indexes.push(index);
  return indexes;
};

describe('createIndexChains', () => {
  it("gives every index of a key, newest first, and (nearly) none of another key's, list by list", () => {
    const chains = createIndexChains(3, 20_000);
    for (let index = 0; index < 20_000; index++) {
      chains.add(0, mixHash32(index % 5000), index);
      chains.add(2, index < 10_000 ? 7 : mixHash32(index), index); // one key holding half the indexes
    }
    expect(indexesOf(chains, 0, mixHash32(42))).toEqual([15_042, 10_042, 5042, 42]);
    expect(indexesOf(chains, 1, mixHash32(42))).toEqual([]);
    const hot = indexesOf(chains, 2, 7);
    expect(hot.slice(0, 2)).toEqual([9999, 9998]);
    expect(hot.filter((index) => index < 10_000)).toHaveLength(10_000);
    let extra = 0;
    for (let index = 0; index < 5000; index++) extra += indexesOf(chains, 0, mixHash32(index)).length - 4;
    expect(extra).toBeGreaterThanOrEqual(0);
    expect(extra).toBeLessThan(50);
  });

  it('refuses an index outside its capacity', () => {
    expect(() => createIndexChains(1, 10).add(0, 1, 10)).toThrow(/outside 0 … 9/);
  });
});
