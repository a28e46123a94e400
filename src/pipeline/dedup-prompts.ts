/**
 * @module pipeline/dedup-prompts
 * Exact and near-duplicate removal over prompts: normalised-text hashing, then MinHash signatures of word shingles
 * with LSH banding for candidates, confirmed by the exact Jaccard similarity of the shingle sets. The first
 * occurrence stays; every removal names the prompt it duplicates.
 */
import { md5Word32 } from '../io/md5-word32.js';
import { mixHash32, stringHash32 } from '../io/string-hash32.js';
import { createUint32Multimap } from '../io/uint32-multimap.js';
import type { Prompt } from '../records/prompt.js';

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

/** The first word of the shingle's MD5 (the value node:crypto gives, without a Buffer per shingle). */
function hash32(text: string): number {
  return md5Word32(text);
}

const permutationCount = 128;
/** How many candidates' shingle sets a deduplicator keeps (a few MB of short prompts). */
const recentSetLimit = 4096;
/** Deterministic per-permutation seeds (a fixed LCG), so signatures are the same on every run. */
const permutationSeeds = (() => {
  let state = 42;
  return Array.from({ length: permutationCount }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  });
})();

function minHash(set: Set<string>): Uint32Array {
  const signature = new Uint32Array(permutationCount).fill(0xffffffff);
  for (const shingle of set) {
    const value = hash32(shingle);
    for (let index = 0; index < permutationCount; index++) {
      const hashed = mixHash32(value ^ permutationSeeds[index]!); // a hash family: the value xored with a seed
      if (hashed < signature[index]!) signature[index] = hashed;
    }
  }
  return signature;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Bands × rows for LSH so that pairs at the threshold are candidates with high probability. */
function bandLayout(threshold: number): { bands: number; rows: number } {
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
  signature: Uint32Array | undefined;
}

/** Each band's bucket key (none when near-dedup is off). */
type BandKeys = number[];

/**
 * Exact and near-duplicate checks one prompt at a time, holding per kept prompt only typed-array entries (about 100
 * bytes: a hash of its normalised text, one LSH bucket key per band), never its text or shingles: a candidate is read
 * back through `promptAt` and compared exactly, so the result is that of comparing every pair the LSH buckets pair.
 */
export function createPromptDeduplicator(
  options: DedupOptions,
  store: { capacity: number; promptAt: (index: number) => Prompt },
): PromptDeduplicator {
  const threshold = options.nearDuplicateThreshold;
  const layout = threshold === null ? null : bandLayout(threshold);
  const capacity = Math.max(store.capacity, 1);
  const exactIndex = createUint32Multimap({ capacity, tagBits: 16 });
  const bandIndexes = Array.from({ length: layout?.bands ?? 0 }, () => createUint32Multimap({ capacity, tagBits: 16 }));
  const shapeOf = (prompt: Prompt): PromptShape => {
    const text = promptText(prompt);
    const words = normalisedWords(text);
    const set = layout ? shingles(words, options.shingleSize) : undefined;
    return { text, key: words.join(' '), set, signature: set ? minHash(set) : undefined };
  };
  // The shingle sets of the candidates seen last, most recent last: similar prompts are each other's candidates
  // again and again, and reading one back from the store costs more than the comparison.
  const recentSets = new Map<number, Set<string>>();
  const shinglesAt = (index: number) => {
    let set = recentSets.get(index);
    if (set) recentSets.delete(index);
    else set = shingles(normalisedWords(promptText(store.promptAt(index))), options.shingleSize);
    recentSets.set(index, set);
    if (recentSets.size > recentSetLimit) recentSets.delete(recentSets.keys().next().value!);
    return set;
  };
  const exactMatch = (shape: PromptShape): Prompt | undefined => {
    let match: Prompt | undefined;
    exactIndex.forEachValue(stringHash32(shape.key), (index) => {
      const candidate = store.promptAt(index);
      if (!match && normalisedWords(promptText(candidate)).join(' ') === shape.key) match = candidate;
    });
    return match;
  };
  const nearMatch = (shape: PromptShape, keys: BandKeys) => {
    if (!layout || threshold === null) return undefined;
    const candidates = new Set<number>();
    for (let band = 0; band < keys.length; band++) {
      bandIndexes[band]!.forEachValue(keys[band]!, (index) => {
        candidates.add(index);
      });
    }
    let best: { prompt: Prompt; similarity: number } | undefined;
    for (const index of [...candidates].sort((a, b) => a - b)) {
      // The exact Jaccard first (cheap); the candidate's signature only for a pair that would count: a bucket key is
      // a hash of the band, so a candidate shares a band exactly, or it is no candidate. Many similar prompts (a
      // template's fill-ins) are each other's candidates, and a MinHash per pair made intake quadratic in MinHashes.
      const set = shinglesAt(index);
      const similarity = jaccard(shape.set!, set);
      if (similarity < threshold || (best && similarity <= best.similarity)) continue;
      if (sharesBand(shape.signature!, minHash(set), layout)) best = { prompt: store.promptAt(index), similarity };
    }
    return best;
  };
  return {
    check(prompt, index) {
      const shape = shapeOf(prompt);
      const exact = options.exact ? exactMatch(shape) : undefined;
      if (exact) return removal(prompt, shape.text, { reason: 'exact-duplicate', match: exact, similarity: 1 });
      const keys = layout ? bandKeys(shape.signature!, layout) : [];
      const near = nearMatch(shape, keys);
      if (near) {
        const similarity = Math.round(near.similarity * 1000) / 1000;
        return removal(prompt, shape.text, { reason: 'near-duplicate', match: near.prompt, similarity });
      }
      if (options.exact) exactIndex.add(stringHash32(shape.key), index);
      for (let band = 0; band < keys.length; band++) bandIndexes[band]!.add(keys[band]!, index);
      return undefined;
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

/** One 32-bit bucket key per band: a hash of the band's number and its rows of the signature. */
function bandKeys(signature: Uint32Array, layout: { bands: number; rows: number }): number[] {
  const keys: number[] = [];
  for (let band = 0; band < layout.bands; band++) {
    let h = mixHash32(band + 0x9e3779b9);
    for (let row = band * layout.rows; row < (band + 1) * layout.rows; row++) h = mixHash32(h ^ signature[row]!) + row;
    keys.push(mixHash32(h));
  }
  return keys;
}

function sharesBand(a: Uint32Array, b: Uint32Array, layout: { bands: number; rows: number }): boolean {
  for (let band = 0; band < layout.bands; band++) {
    let same = true;
    for (let row = band * layout.rows; row < (band + 1) * layout.rows && same; row++) same = a[row] === b[row];
    if (same) return true;
  }
  return false;
}
