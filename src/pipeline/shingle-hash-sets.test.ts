import { describe, expect, it } from 'vitest';
import { mixHash32 } from '../io/string-hash32.js';
import {
  createShingleHashRing,
  createShingleSummaries,
  jaccardOfCounts,
  sharedHashCount,
  shingleHashSet,
  summaryJaccardBound,
} from './shingle-hash-sets.js';

/** Deterministic hash sets: `count` values drawn from `0 … range - 1` (a small range makes them overlap). */
function randomSets(count: number, range: number, seed: number): Uint32Array[] {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 8;
  };
  return Array.from({ length: count }, () => {
    const values = new Set<number>();
    const size = next() % 12;
    while (values.size < size) values.add(mixHash32(next() % range));
    return Uint32Array.from(values);
  });
}

describe('shingleHashSet', () => {
  it('sorts the hashes and says whether they are distinct', () => {
    const set = shingleHashSet(Uint32Array.from([30, 0xffffffff, 7]));
    expect([...set.hashes]).toEqual([7, 30, 0xffffffff]);
    expect(set.injective).toBe(true);
    expect(shingleHashSet(Uint32Array.from([5, 9, 5])).injective).toBe(false);
  });
});

describe('summaryJaccardBound', () => {
  it('is never below the Jaccard of two distinct-hash sets, and the merge counts what they share', () => {
    const sets = randomSets(200, 40, 3).map((values) => shingleHashSet(values));
    let pruned = 0;
    for (let a = 0; a < sets.length; a++) {
      for (let b = a; b < sets.length; b++) {
        const [x, y] = [sets[a]!, sets[b]!];
        const shared = x.hashes.filter((value) => y.hashes.includes(value)).length;
        expect(sharedHashCount(x.hashes, y.hashes, 0, y.hashes.length)).toBe(shared);
        const exact = jaccardOfCounts(x.hashes.length, y.hashes.length, shared);
        const bound = summaryJaccardBound(
          x.hashes.length,
          x.bitsLow,
          x.bitsHigh,
          y.hashes.length,
          y.bitsLow,
          y.bitsHigh,
        );
        expect(bound).toBeGreaterThanOrEqual(exact);
        if (bound < 0.8 && exact > 0.4) pruned++;
      }
    }
    // It prunes: pairs sharing much are still bounded below a threshold they are below.
    expect(pruned).toBeGreaterThan(20);
  });

  it('is 1 for two empty sets and 0 for disjoint summaries', () => {
    expect(summaryJaccardBound(0, 0, 0, 0, 0, 0)).toBe(1);
    expect(summaryJaccardBound(2, 0b11, 0, 1, 0b100, 0)).toBe(0);
  });
});

describe('createShingleHashRing', () => {
  it('gives back each entry intact until the ring has wrapped past it, and keeps no repeated-hash set', () => {
    const ring = createShingleHashRing(100, 64);
    const sets = randomSets(100, 1000, 11).map((values) => shingleHashSet(values));
    const read = (index: number) => {
      const offset = ring.offsetOf(index);
      if (offset < 0) return undefined;
      return [...ring.words.subarray(offset + 3, offset + 3 + ring.words[offset]!)];
    };
    const usedWords: number[] = [];
    sets.forEach((set, index) => {
      ring.add(index, set);
      usedWords.push(set.hashes.length + 3);
      // The entries written in the last 64 words (minus the end-of-turn gaps) are intact; none further back is.
      let words = 0;
      for (let back = index; back >= 0; back--) {
        words += usedWords[back]!;
        const entry = read(back);
        if (entry) expect(entry).toEqual([...sets[back]!.hashes]);
        if (words > 64) expect(entry).toBeUndefined();
      }
      expect(read(index)).toEqual([...set.hashes]);
    });
    expect(read(0)).toBeUndefined();
  });

  it('keeps no set with a repeated hash, and nothing with no words', () => {
    const ring = createShingleHashRing(3);
    ring.add(0, shingleHashSet(Uint32Array.from([4, 4])));
    expect(ring.offsetOf(0)).toBe(-1);
    const none = createShingleHashRing(3, 0);
    none.add(0, shingleHashSet(Uint32Array.from([1, 2])));
    expect(none.offsetOf(0)).toBe(-1);
  });
});

describe('createShingleSummaries', () => {
  it("bounds by every kept set's summary (the ring's last or not) and not by a repeated-hash or unkept set", () => {
    const summaries = createShingleSummaries(200);
    const sets = randomSets(200, 40, 5).map((values) => shingleHashSet(values));
    sets.forEach((set, index) => {
      if (index % 7 !== 3) summaries.add(index, set);
    });
    const own = sets[0]!;
    sets.forEach((set, index) => {
      const expected =
        index % 7 === 3
          ? 1
          : summaryJaccardBound(
              own.hashes.length,
              own.bitsLow,
              own.bitsHigh,
              set.hashes.length,
              set.bitsLow,
              set.bitsHigh,
            );
      expect(summaries.bound(own, index)).toBe(expected);
    });
    expect(sets.some((_set, index) => index % 7 !== 3 && summaries.bound(own, index) < 0.8)).toBe(true);
    summaries.add(3, shingleHashSet(Uint32Array.from([4, 4])));
    expect(summaries.bound(own, 3)).toBe(1);
    expect(summaries.keyOf(3)).toBe(-1);
    expect(summaries.same(sets[3]!, 3)).toBe(false);
    expect(summaries.bound(shingleHashSet(Uint32Array.from([4, 4])), 0)).toBe(1);
  });

  it("tells a kept summary equal to a set's (size and both words) and hashes equal summaries alike", () => {
    const summaries = createShingleSummaries(4);
    const [a, b, c] = [Uint32Array.from([1, 2, 3]), Uint32Array.from([65, 66, 67]), Uint32Array.from([1, 2, 35])];
    for (const [index, hashes] of [a, b, c].entries()) summaries.add(index, shingleHashSet(hashes));
    const own = shingleHashSet(Uint32Array.from([1, 2, 3]));
    expect([0, 1, 2, 3].map((index) => summaries.same(own, index))).toEqual([true, true, false, false]);
    expect(summaries.keyOf(1)).toBe(summaries.keyOf(0)); // 65 & 63 === 1: the same bits
    expect(summaries.keyOf(2)).not.toBe(summaries.keyOf(0)); // 35: the high word
    expect(summaries.same(shingleHashSet(Uint32Array.from([1, 2])), 0)).toBe(false);
  });
});
