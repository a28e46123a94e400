/**
 * @module pipeline/shingle-hash-sets
 * A prompt's shingle set as the sorted 32-bit hashes of its shingles, and a cheap upper bound on the Jaccard
 * similarity of two such sets, so near-dedup can skip a candidate pair without reading its shingles back.
 *
 * Exactness: a set whose hashes are all distinct ("injective") has as many hashes as shingles; two distinct shingles
 * of two such sets can share a hash only across the sets (never within one), which can only raise the shared count.
 * So for injective sets the hash Jaccard is at least the Jaccard of the strings, and a pair whose bound is below the
 * threshold is below it in strings too. A pair that passes is confirmed on the strings by the caller, and a
 * non-injective set (two of its shingles share a hash) is never bounded by hashes at all.
 *
 * The last sets kept live in a ring of typed memory (`createShingleHashRing`), by the prompt's index: a bounded cache
 * with no object per entry, where each entry is [size, 64-bit signature of the hashes (two words), hashes…].
 */
import { mixHash32 } from '../io/string-hash32.js';

/** A shingle set's hashes, sorted, with whether they are distinct and a 64-bit one-bit-per-hash summary. */
export interface ShingleHashSet {
  hashes: Uint32Array;
  injective: boolean;
  bitsLow: number;
  bitsHigh: number;
}

/** `hashes` (each shingle's hash, any order) sorted in place, with their summary. */
export function shingleHashSet(hashes: Uint32Array): ShingleHashSet {
  hashes.sort();
  let injective = true;
  let bitsLow = 0;
  let bitsHigh = 0;
  for (let index = 0; index < hashes.length; index++) {
    const hash = hashes[index]!;
    if (index > 0 && hash === hashes[index - 1]) injective = false;
    if (hash & 32) bitsHigh |= 1 << (hash & 31);
    else bitsLow |= 1 << (hash & 31);
  }
  return { hashes, injective, bitsLow, bitsHigh };
}

function popCount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** The Jaccard similarity of two sets of `sizeA` and `sizeB` items sharing `shared` (1 for two empty sets). */
export function jaccardOfCounts(sizeA: number, sizeB: number, shared: number): number {
  if (sizeA === 0 && sizeB === 0) return 1;
  return shared / (sizeA + sizeB - shared);
}

/**
 * An upper bound on the Jaccard similarity of two injective hash sets from their sizes and summaries alone: every bit
 * set in one summary and not the other stands for at least one hash of that set missing from the other.
 */
export function summaryJaccardBound(
  sizeA: number,
  bitsLowA: number,
  bitsHighA: number,
  sizeB: number,
  bitsLowB: number,
  bitsHighB: number,
): number {
  const onlyA = popCount32(bitsLowA & ~bitsLowB) + popCount32(bitsHighA & ~bitsHighB);
  const onlyB = popCount32(bitsLowB & ~bitsLowA) + popCount32(bitsHighB & ~bitsHighA);
  return jaccardOfCounts(sizeA, sizeB, Math.min(sizeA - onlyA, sizeB - onlyB));
}

/** How many hashes two sorted hash lists share: `a` whole, and `b` as `length` words of `words` from `offset`. */
export function sharedHashCount(a: Uint32Array, words: Uint32Array, offset: number, length: number): number {
  let shared = 0;
  let i = 0;
  let j = offset;
  const end = offset + length;
  while (i < a.length && j < end) {
    const x = a[i]!;
    const y = words[j]!;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return shared;
}

export interface ShingleHashRing {
  /** The ring's memory: an entry is read at `offsetOf(index)` as [size, bitsLow, bitsHigh, hashes…]. */
  readonly words: Uint32Array;
  /** Keeps an injective set under `index` (a set longer than the ring is not kept). */
  add(index: number, set: ShingleHashSet): void;
  /** Where `index`'s entry starts in `words`, or -1 when it was never kept or the ring has wrapped past it. */
  offsetOf(index: number): number;
  /**
   * At least the Jaccard of `own`'s shingles and those of kept prompt `index`: exact on the hashes unless their
   * summaries already bound it below `threshold`; 1 (no bound) when either set is not in hashes (not kept, wrapped
   * past, or a repeated hash).
   */
  jaccardBound(own: ShingleHashSet, index: number, threshold: number): number;
}

/** A ring of `ringWords` words for the sets of prompts `0 … capacity - 1`; positions count up, turn after turn. */
export function createShingleHashRing(capacity: number, ringWords = 1 << 20): ShingleHashRing {
  const words = new Uint32Array(ringWords);
  // The same memory as int32s: the summaries are read as int32s (as they were made), so no read is a double.
  const signed = new Int32Array(words.buffer);
  // Where each index's entry was written, as a position counted from the start (a double: it never wraps).
  const positions = new Float64Array(Math.max(capacity, 1)).fill(-1);
  let written = 0;
  // Where the ring's current turn began (a multiple of `ringWords`), so that no lookup divides.
  let turnStart = 0;
  return {
    words,
    add(index, set) {
      const length = set.hashes.length + 3;
      if (!set.injective || length > ringWords) return;
      // An entry never straddles the end: it starts over at the next turn of the ring.
      if (written - turnStart + length > ringWords) {
        turnStart += ringWords;
        written = turnStart;
      }
      const offset = written - turnStart;
      words[offset] = set.hashes.length;
      words[offset + 1] = set.bitsLow;
      words[offset + 2] = set.bitsHigh;
      words.set(set.hashes, offset + 3);
      positions[index] = written;
      written += length;
    },
    offsetOf(index) {
      const position = positions[index]!;
      // Intact until the writes after it come round to it again, so it is in this turn or the one before.
      if (position < 0 || written - position > ringWords) return -1;
      return position >= turnStart ? position - turnStart : position - turnStart + ringWords;
    },
    jaccardBound(own, index, threshold) {
      const offset = this.offsetOf(index);
      if (offset < 0 || !own.injective) return 1;
      const size = words[offset]!;
      const ownSize = own.hashes.length;
      const bound = summaryJaccardBound(
        ownSize,
        own.bitsLow,
        own.bitsHigh,
        size,
        signed[offset + 1]!,
        signed[offset + 2]!,
      );
      if (bound < threshold) return bound;
      return jaccardOfCounts(ownSize, size, sharedHashCount(own.hashes, words, offset + 3, size));
    },
  };
}

export interface ShingleSummaries {
  /** Keeps the size and summary of `index`'s set when it is injective (and of fewer than 65,535 hashes). */
  add(index: number, set: ShingleHashSet): void;
  /**
   * `summaryJaccardBound` of `own` and kept prompt `index`'s set: at least the Jaccard of their shingles; 1 (no bound)
   * when either is not injective or `index` was not kept.
   */
  bound(own: ShingleHashSet, index: number): number;
  /** Whether kept prompt `index`'s summary is kept and equals that of `own` (an injective set): size and 64 bits. */
  same(own: ShingleHashSet, index: number): boolean;
  /** A 32-bit hash of kept prompt `index`'s summary, -1 when none is kept. */
  keyOf(index: number): number;
}

/**
 * Every kept prompt's set size and 64-bit summary by index, 10 bytes an index: the ring keeps the hashes of the last
 * ones only, and a template's fill-ins (all each other's candidates) are nearly all told apart by the summaries alone.
 */
export function createShingleSummaries(capacity: number): ShingleSummaries {
  const size = Math.max(capacity, 1);
  // A set's size plus one; 0 for none.
  const sizes = new Uint16Array(size);
  const lows = new Int32Array(size);
  const highs = new Int32Array(size);
  return {
    add(index, set) {
      if (!set.injective || set.hashes.length >= 0xffff) return;
      sizes[index] = set.hashes.length + 1;
      lows[index] = set.bitsLow;
      highs[index] = set.bitsHigh;
    },
    bound(own, index) {
      const stored = sizes[index]!;
      if (stored === 0 || !own.injective) return 1;
      return summaryJaccardBound(own.hashes.length, own.bitsLow, own.bitsHigh, stored - 1, lows[index]!, highs[index]!);
    },
    same(own, index) {
      return (
        sizes[index] === own.hashes.length + 1 &&
        own.injective &&
        lows[index] === own.bitsLow &&
        highs[index] === own.bitsHigh
      );
    },
    keyOf(index) {
      const stored = sizes[index]!;
      if (stored === 0) return -1;
      return mixHash32(mixHash32(mixHash32(stored + 0x5bd1e995) ^ lows[index]!) ^ highs[index]!);
    },
  };
}
