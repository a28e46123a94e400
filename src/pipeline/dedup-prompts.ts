/**
 * @module pipeline/dedup-prompts
 * Exact and near-duplicate removal over prompts: normalised-text hashing, then MinHash signatures of word shingles
 * with LSH banding for candidates, confirmed by the exact Jaccard similarity of the shingle sets. The first
 * occurrence stays; every removal names the prompt it duplicates.
 */
import { createHash } from 'node:crypto';
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

function hash32(text: string): number {
  return createHash('md5').update(text).digest().readUInt32LE(0);
}

const permutationCount = 128;
/** Deterministic per-permutation seeds (a fixed LCG), so signatures are the same on every run. */
const permutationSeeds = (() => {
  let state = 42;
  return Array.from({ length: permutationCount }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  });
})();

/** murmur3's 32-bit finaliser: a fast, well-mixed hash family when the input is xored with a seed. */
function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function minHash(set: Set<string>): Uint32Array {
  const signature = new Uint32Array(permutationCount).fill(0xffffffff);
  for (const shingle of set) {
    const value = hash32(shingle);
    for (let index = 0; index < permutationCount; index++) {
      const hashed = mix(value ^ permutationSeeds[index]!);
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
  const exactSeen = new Map<string, Prompt>();
  const keptShingles: Set<string>[] = [];
  const buckets = new Map<string, number[]>();
  const layout = options.nearDuplicateThreshold === null ? null : bandLayout(options.nearDuplicateThreshold);
  for (const prompt of prompts) {
    const text = promptText(prompt);
    const words = normalisedWords(text);
    const key = words.join(' ');
    const exactMatch = options.exact ? exactSeen.get(key) : undefined;
    if (exactMatch) {
      removed.push({
        promptId: prompt.id,
        reason: 'exact-duplicate',
        matchedId: exactMatch.id,
        matchedText: shorten(promptText(exactMatch)),
        text: shorten(text),
        similarity: 1,
      });
      continue;
    }
    let nearMatch: { index: number; similarity: number } | undefined;
    let bandKeys: string[] = [];
    let set: Set<string> | undefined;
    if (layout && options.nearDuplicateThreshold !== null) {
      set = shingles(words, options.shingleSize);
      const signature = minHash(set);
      bandKeys = [];
      for (let band = 0; band < layout.bands; band++) {
        bandKeys.push(`${band}:${signature.subarray(band * layout.rows, (band + 1) * layout.rows).join(',')}`);
      }
      const candidates = new Set<number>();
      for (const bandKey of bandKeys) for (const index of buckets.get(bandKey) ?? []) candidates.add(index);
      for (const index of [...candidates].sort((a, b) => a - b)) {
        const similarity = jaccard(set, keptShingles[index]!);
        if (similarity >= options.nearDuplicateThreshold && (!nearMatch || similarity > nearMatch.similarity)) {
          nearMatch = { index, similarity };
        }
      }
    }
    if (nearMatch) {
      const match = kept[nearMatch.index]!;
      removed.push({
        promptId: prompt.id,
        reason: 'near-duplicate',
        matchedId: match.id,
        matchedText: shorten(promptText(match)),
        text: shorten(text),
        similarity: Math.round(nearMatch.similarity * 1000) / 1000,
      });
      continue;
    }
    const index = kept.length;
    kept.push(prompt);
    if (options.exact) exactSeen.set(key, prompt);
    if (set) {
      keptShingles.push(set);
      for (const bandKey of bandKeys) {
        const bucket = buckets.get(bandKey);
        if (bucket) bucket.push(index);
        else buckets.set(bandKey, [index]);
      }
    } else keptShingles.push(new Set());
  }
  return { kept, removed };
}
