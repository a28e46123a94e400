/**
 * @module pipeline/dedup-prompts
 * Exact and near-duplicate removal over prompts: normalised-text hashing, then MinHash signatures of word shingles
 * with LSH banding for candidates, confirmed by the exact Jaccard similarity of the shingle sets. The first
 * occurrence stays; every removal names the prompt it duplicates.
 */
import { createIndexChains } from '../io/index-chains.js';
import { md5Word32 } from '../io/md5-word32.js';
import { mixHash32, stringHash32 } from '../io/string-hash32.js';
import { createUint32Multimap } from '../io/uint32-multimap.js';
import type { Prompt } from '../records/prompt.js';
import {
  createShingleHashRing,
  createShingleSummaries,
  jaccardOfCounts,
  type ShingleHashSet,
  shingleHashSet,
} from './shingle-hash-sets.js';

export interface RemovedPrompt {
  promptId: string;
  reason: 'exact-duplicate' | 'near-duplicate' | 'contaminated';
  /** The kept prompt id, or `<eval set>:<location>` for contamination. */
  matchedId: string;
  /** The matched text (the kept prompt or the evaluation item), shortened for the report. */
  matchedText: string;
  text: string;
  /** Jaccard similarity (near duplicates) or the shared n-gram (contamination). */
  similarity?: number;
  sharedNgram?: string;
}

/** Lower-case words (letters and digits), the unit of every comparison here. */
export function normalisedWords(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** The text a prompt is compared by: all its turns, in order. */
export function promptText(prompt: Prompt): string {
  return prompt.messages.map((message) => message.content).join('\n');
}

export function shorten(text: string, length = 300): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

function shingles(words: readonly string[], size: number): Set<string> {
  const result = new Set<string>();
  if (words.length <= size) {
    if (words.length > 0) result.add(words.join(' '));
    return result;
  }
  for (let index = 0; index + size <= words.length; index++) result.add(words.slice(index, index + size).join(' '));
  return result;
}

/** Each shingle's hash: the first word of its MD5 (the value node:crypto gives, without a Buffer per shingle). */
function shingleHashes(set: Set<string>): Uint32Array {
  const hashes = new Uint32Array(set.size);
  let index = 0;
  for (const shingle of set) hashes[index++] = md5Word32(shingle);
  return hashes;
}

const permutationCount = 128;
/** Deterministic per-permutation seeds (a fixed LCG), so signatures are the same on every run (as int32 bits). */
const permutationSeeds = (() => {
  let state = 42;
  return Int32Array.from({ length: permutationCount }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state | 0;
  });
})();

/**
 * The MinHash signature of a set given by its shingles' hashes (any order; a repeated hash changes nothing): per
 * permutation the least `mixHash32(value ^ seed)`. The hash is `mixHash32` written out on int32s and each minimum
 * kept xored with 2^31 (as int32s that orders as uint32s), so no value in the inner loop is ever a double.
 */
export function minHash(hashes: Uint32Array): Uint32Array {
  const signature = new Uint32Array(permutationCount);
  const count = hashes.length;
  for (let index = 0; index < permutationCount; index++) {
    const seed = permutationSeeds[index]!;
    let least = 0x7fffffff; // 0xffffffff xored with 2^31
    for (let at = 0; at < count; at++) {
      let h = hashes[at]! ^ seed;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h = h ^ (h >>> 16) ^ -0x80000000;
      if (h < least) least = h;
    }
    signature[index] = (least ^ -0x80000000) >>> 0;
  }
  return signature;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return jaccardOfCounts(a.size, b.size, shared);
}

type BandLayout = { bands: number; rows: number };

/** Bands × rows for LSH so that pairs at the threshold are candidates with high probability. */
function bandLayout(threshold: number): BandLayout {
  let best = { bands: 32, rows: 4 };
  let bestError = Number.POSITIVE_INFINITY;
  for (const rows of [1, 2, 4, 8, 16]) {
    const bands = permutationCount / rows;
    // The S-curve's midpoint; put it a bit below the threshold so near-threshold pairs are caught.
    const midpoint = (1 / bands) ** (1 / rows);
    const error = Math.abs(midpoint - threshold * 0.85);
    if (error < bestError) {
      bestError = error;
      best = { bands, rows };
    }
  }
  return best;
}

export interface DedupOptions {
  exact: boolean;
  /** Jaccard threshold for near duplicates; null turns near-dedup off. */
  nearDuplicateThreshold: number | null;
  shingleSize: number;
}

/** Removes exact and near duplicates; the first occurrence of each group stays. */
export function dedupPrompts(
  prompts: readonly Prompt[],
  options: DedupOptions,
): { kept: Prompt[]; removed: RemovedPrompt[] } {
  const kept: Prompt[] = [];
  const removed: RemovedPrompt[] = [];
  const deduplicator = createPromptDeduplicator(options, {
    capacity: prompts.length,
    promptAt: (index) => prompts[index]!,
  });
  prompts.forEach((prompt, index) => {
    const removal = deduplicator.check(prompt, index);
    if (removal) removed.push(removal);
    else kept.push(prompt);
  });
  return { kept, removed };
}

export interface PromptDeduplicator {
  /**
   * The removal when `prompt` duplicates a prompt kept before it; otherwise undefined, and the prompt is kept under
   * `index` (what `promptAt` reads it back by). Prompts are checked in file order.
   */
  check(prompt: Prompt, index: number): RemovedPrompt | undefined;
}

/** What one prompt is compared by. */
interface PromptShape {
  text: string;
  key: string;
  set: Set<string> | undefined;
  hashSet: ShingleHashSet | undefined;
  signature: Uint32Array | undefined;
}

export interface DeduplicatorTuning {
  /**
   * Words of the ring of kept prompts' shingle hashes (default 2^20, 4 MB); 0 keeps none: each pair the summaries
   * leave in the running is read back.
   */
  ringWords?: number;
}

/** Each band's bucket key (none when near-dedup is off). */
type BandKeys = number[];

/**
 * Exact and near-duplicate checks one prompt at a time, holding per kept prompt only typed-array entries (about 130
 * bytes: a hash of its normalised text, an entry in each band's chains, its shingle-hash summary), never its text or
 * shingles: a candidate is read
 * back through `promptAt` and compared exactly, so the result is that of comparing every pair the LSH buckets pair.
 */
export function createPromptDeduplicator(
  options: DedupOptions,
  store: { capacity: number; promptAt: (index: number) => Prompt },
  tuning: DeduplicatorTuning = {},
): PromptDeduplicator {
  const threshold = options.nearDuplicateThreshold;
  const layout = threshold === null ? null : bandLayout(threshold);
  const capacity = Math.max(store.capacity, 1);
  const exactIndex = createUint32Multimap({ capacity, tagBits: 16 });
  const shinglesAt = (index: number) =>
    shingles(normalisedWords(promptText(store.promptAt(index))), options.shingleSize);
  const near =
    threshold === null || !layout
      ? null
      : createNearMatcher(threshold, layout, { capacity, ringWords: tuning.ringWords }, shinglesAt);
  const shapeOf = (prompt: Prompt): PromptShape => {
    const text = promptText(prompt);
    const words = normalisedWords(text);
    const set = near ? shingles(words, options.shingleSize) : undefined;
    const hashes = set ? shingleHashes(set) : undefined;
    const signature = hashes ? minHash(hashes) : undefined;
    return { text, key: words.join(' '), set, hashSet: hashes ? shingleHashSet(hashes) : undefined, signature };
  };
  const exactMatch = (shape: PromptShape): Prompt | undefined => {
    let match: Prompt | undefined;
    exactIndex.forEachValue(stringHash32(shape.key), (index) => {
      const candidate = store.promptAt(index);
      if (!match && normalisedWords(promptText(candidate)).join(' ') === shape.key) match = candidate;
    });
    return match;
  };
  return {
    check(prompt, index) {
      const shape = shapeOf(prompt);
      const exact = options.exact ? exactMatch(shape) : undefined;
      if (exact) return removal(prompt, shape.text, { reason: 'exact-duplicate', match: exact, similarity: 1 });
      const keys = layout ? bandKeys(shape.signature!, layout) : [];
      const found = near?.match(shape, keys);
      if (found) {
        const similarity = Math.round(found.similarity * 1000) / 1000;
        const match = store.promptAt(found.index);
        return removal(prompt, shape.text, { reason: 'near-duplicate', match, similarity });
      }
      if (options.exact) exactIndex.add(stringHash32(shape.key), index);
      near?.keep(index, shape, keys);
      return undefined;
    },
  };
}

/**
 * The near-duplicate half: one LSH bucket index per band, and for a prompt the best of its candidates (the kept
 * prompts sharing a band's bucket key with it): the highest Jaccard at or above the threshold, the earliest of equals,
 * among those sharing a band exactly. Template fill-ins are all each other's candidates, so a pair must be cheap: a
 * band's bucket is a chain of its own indexes (index-chains: no probing past other keys), each candidate is met once
 * (the first band holding it), and its Jaccard is bounded from above by its summary (kept for every kept prompt),
 * then by its sorted shingle hashes from a ring of the last kept prompts (shingle-hash-sets); its shingles are read
 * back from the store only for a pair the bounds leave in the running. Fill-ins differ in a shingle or two, so a hot
 * bucket holds few summaries (64 bits, about 60 for a one-slot template): a bucket's chain holds the first prompt of
 * each summary, and the later ones of a summary are chained under the bucket's key and the summary, walked only when
 * the summary's bound leaves them in the running (all of a summary have its bound), so a check meets a summary per
 * group and not a prompt per candidate. Every prompt under a bucket's key is still met unless its bound loses.
 */
function createNearMatcher(
  threshold: number,
  layout: BandLayout,
  { capacity, ringWords }: { capacity: number; ringWords: number | undefined },
  shinglesAt: (index: number) => Set<string>,
) {
  const chains = createIndexChains(layout.bands, capacity);
  const ring = createShingleHashRing(capacity, ringWords);
  const summaries = createShingleSummaries(capacity);
  // The check that last met each index as a candidate (checks count from 1), so a candidate of several bands is
  // compared once, when its first band meets it.
  const met = new Int32Array(capacity);
  let checks = 0;
  // Per band, whether the last match met a kept prompt of the same summary under its key (its group's first).
  const grouped = new Uint8Array(layout.bands);
  const match = (shape: PromptShape, keys: BandKeys) => {
    checks += 1;
    let bestIndex = -1;
    let bestSimilarity = 0;
    // Whether a pair of this similarity (or of at most this) cannot be the match: the first of equals wins.
    const loses = (similarity: number, index: number) =>
      similarity < threshold ||
      (bestIndex >= 0 && (similarity < bestSimilarity || (similarity === bestSimilarity && index > bestIndex)));
    const own = shape.hashSet!;
    const consider = (index: number, bound: number) => {
      met[index] = checks;
      if (loses(bound, index) || loses(ring.jaccardBound(own, index, threshold), index)) return;
      // The exact Jaccard, then the candidate's signature only for a pair that would count: a bucket key is a hash
      // of the band, so a candidate shares a band exactly, or it is no candidate.
      const set = shinglesAt(index);
      const similarity = jaccard(shape.set!, set);
      if (loses(similarity, index)) return;
      if (sharesBand(shape.signature!, minHash(shingleHashes(set)), layout)) {
        bestIndex = index;
        bestSimilarity = similarity;
      }
    };
    for (let band = 0; band < keys.length; band++) {
      const key = keys[band]!;
      grouped[band] = 0;
      for (let first = chains.first(band, key); first >= 0; first = chains.after(band, first, key)) {
        // The first of its summary here (or one alike): the later ones, chained under the group's key, have its bound,
        // so they lose with it. Each first alike tells `keep` to chain this prompt there too.
        const bound = summaries.bound(own, first);
        if (grouped[band] === 0 && summaries.same(own, first)) grouped[band] = 1;
        if (met[first] !== checks) consider(first, bound);
        if (bound < threshold || (bestIndex >= 0 && bound < bestSimilarity)) continue;
        const summaryKey = summaries.keyOf(first);
        if (summaryKey < 0) continue;
        const groupKey = groupKeyOf(key, summaryKey);
        for (let index = chains.first(band, groupKey); index >= 0; index = chains.after(band, index, groupKey)) {
          if (met[index] !== checks) consider(index, summaries.bound(own, index));
        }
      }
    }
    return bestIndex < 0 ? undefined : { index: bestIndex, similarity: bestSimilarity };
  };
  return {
    match,
    /** Keeps the prompt the last `match` was of: under its key, or its group's key where the group has a first. */
    keep(index: number, shape: PromptShape, keys: BandKeys) {
      summaries.add(index, shape.hashSet!);
      const summaryKey = summaries.keyOf(index);
      for (let band = 0; band < keys.length; band++) {
        const key = keys[band]!;
        chains.add(band, grouped[band] === 1 && summaryKey >= 0 ? groupKeyOf(key, summaryKey) : key, index);
      }
      ring.add(index, shape.hashSet!);
    },
  };
}

function removal(
  prompt: Prompt,
  text: string,
  found: { reason: 'exact-duplicate' | 'near-duplicate'; match: Prompt; similarity: number },
): RemovedPrompt {
  return {
    promptId: prompt.id,
    reason: found.reason,
    matchedId: found.match.id,
    matchedText: shorten(promptText(found.match)),
    text: shorten(text),
    similarity: found.similarity,
  };
}

/** The key a band's bucket files the later prompts of one summary under (its first is under the bucket's key). */
function groupKeyOf(key: number, summaryKey: number): number {
  return mixHash32(key ^ mixHash32(summaryKey + 0x27d4eb2f));
}

/** One 32-bit bucket key per band: a hash of the band's number and its rows of the signature. */
function bandKeys(signature: Uint32Array, layout: BandLayout): number[] {
  const keys: number[] = [];
  for (let band = 0; band < layout.bands; band++) {
    let h = mixHash32(band + 0x9e3779b9);
    for (let row = band * layout.rows; row < (band + 1) * layout.rows; row++) h = mixHash32(h ^ signature[row]!) + row;
    keys.push(mixHash32(h));
  }
  return keys;
}

function sharesBand(a: Uint32Array, b: Uint32Array, layout: BandLayout): boolean {
  for (let band = 0; band < layout.bands; band++) {
    let same = true;
    for (let row = band * layout.rows; row < (band + 1) * layout.rows && same; row++) same = a[row] === b[row];
    if (same) return true;
  }
  return false;
}
