/**
 * @module pipeline/dedup-prompts
 * Exact and near-duplicate removal over prompts: normalised-text hashing, then the exact Jaccard similarity of word
 * shingle sets, found without comparing every pair by prefix filtering. The shingles of every prompt are first counted
 * (`observe`), which fixes one order of all shingles, rarest first; two prompts at Jaccard ≥ t then share a shingle
 * among the first few of each in that order (the prefix: about (1 − t) of a prompt's shingles for the longer of the
 * two, (1 − t) / (1 + t) for the shorter), so each kept prompt is indexed by its prefix only and a new prompt looks up
 * only its own. A template's fill-ins share their common shingles, but those are the most frequent and sort last:
 * the fill-ins meet only through their rare shingles, and near-dedup stays near-linear over them. The result is that
 * of comparing every pair (a pair sharing no shingle is never a near duplicate); the first occurrence stays; every
 * removal names the kept prompt it is most similar to (the first of them on a tie).
 */
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

/** How many candidates' shingle sets a deduplicator keeps (a few MB of short prompts). */
const recentSetLimit = 4096;
/** The first pass's shingle counters: 2^21 saturating 16-bit counts (4 MB), a shingle's by its hash's top bits. */
const countBits = 21;
/** Slack on the bounds below, so that rounding never shortens a prefix a pair at the threshold needs. */
const epsilon = 1e-9;

/**
 * How many of a set's first shingles (in the global order) are indexed and looked up: `long` for a pair in which the
 * set is the longer (or as long), `mid` when it is the shorter. A pair at Jaccard ≥ t shares at least
 * ⌈t·|x ∪ y|⌉ shingles; its first shared shingle lies within the first |x| − shared + 1 of each set, which is ≤ the
 * longer's `long` (shared ≥ t·|longer|) and ≤ the shorter's `mid` (shared ≥ 2t·|shorter| / (1 + t)).
 */
export function prefixLengths(size: number, threshold: number): { long: number; mid: number } {
  const long = Math.min(size, Math.max(1, size - Math.ceil(threshold * size - epsilon) + 1));
  const mid = Math.min(long, Math.max(1, size - Math.ceil((2 * threshold * size) / (1 + threshold) - epsilon) + 1));
  return { long, mid };
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

/** A shingle's place in the global order: its first-pass count, then its hash, then its text. */
interface OrderedShingle {
  text: string;
  hash: number;
  count: number;
}

function orderedShingles(set: Set<string>, counts: Uint16Array): OrderedShingle[] {
  const ordered: OrderedShingle[] = [];
  for (const text of set) {
    const hash = stringHash32(text);
    ordered.push({ text, hash, count: counts[hash >>> (32 - countBits)]! });
  }
  return ordered.sort(
    (a, b) => a.count - b.count || a.hash - b.hash || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
  );
}

/** Index keys: a shingle within the set's `mid` prefix, or beyond it (within `long`). */
const midKey = (hash: number) => hash;
const tailKey = (hash: number) => mixHash32(hash ^ 0x9e3779b9);

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
  const deduplicator = createPromptDeduplicator(options, { promptAt: (index) => prompts[index]! });
  for (const prompt of prompts) deduplicator.observe(prompt);
  prompts.forEach((prompt, index) => {
    const removal = deduplicator.check(prompt, index);
    if (removal) removed.push(removal);
    else kept.push(prompt);
  });
  return { kept, removed };
}

export interface PromptDeduplicator {
  /** Pass 1: counts the prompt's shingles (which fixes their order). Every prompt is observed before the first check. */
  observe(prompt: Prompt): void;
  /**
   * Pass 2: the removal when `prompt` duplicates a prompt kept before it; otherwise undefined, and the prompt is kept
   * under `index` (what `promptAt` reads it back by; 0 … observed − 1). Prompts are checked in file order.
   */
  check(prompt: Prompt, index: number): RemovedPrompt | undefined;
}

/** What one prompt is compared by. */
interface PromptShape {
  text: string;
  key: string;
  set: Set<string> | undefined;
}

/** The indexes of pass 2, sized by what pass 1 counted. */
interface DedupIndexes {
  exact: ReturnType<typeof createUint32Multimap>;
  prefixes: ReturnType<typeof createUint32Multimap>;
  /** Each kept prompt's number of distinct shingles (the length filter, before a prompt is read back). */
  sizes: Uint32Array;
  firstEmpty: number;
}

/**
 * Exact and near-duplicate checks one prompt at a time, holding per kept prompt only typed-array entries (a hash of
 * its normalised text, its shingle count, one index entry per prefix shingle: about 50 bytes for a 25-word prompt),
 * never its text or shingles: a candidate is read back through `promptAt` and compared exactly.
 */
export function createPromptDeduplicator(
  options: DedupOptions,
  store: { promptAt: (index: number) => Prompt },
): PromptDeduplicator {
  const threshold = options.nearDuplicateThreshold;
  const counts = threshold === null ? undefined : new Uint16Array(1 << countBits);
  let observed = 0;
  let prefixEntries = 0;
  let indexes: DedupIndexes | undefined;
  const setOf = (prompt: Prompt) => shingles(normalisedWords(promptText(prompt)), options.shingleSize);
  const shinglesAt = recentShingleSets((index) => setOf(store.promptAt(index)));
  const build = (): DedupIndexes => {
    const capacity = Math.max(observed, 1);
    return {
      exact: createUint32Multimap({ capacity, tagBits: 16 }),
      prefixes: createUint32Multimap({ capacity: Math.max(prefixEntries, 1), tagBits: 16, probing: 'double' }),
      sizes: new Uint32Array(threshold === null ? 0 : capacity),
      firstEmpty: -1,
    };
  };
  const exactMatch = (at: DedupIndexes, key: string): Prompt | undefined => {
    let match: Prompt | undefined;
    at.exact.forEachValue(stringHash32(key), (index) => {
      const candidate = store.promptAt(index);
      if (!match && normalisedWords(promptText(candidate)).join(' ') === key) match = candidate;
    });
    return match;
  };
  return {
    observe(prompt) {
      if (indexes) throw new Error('dedup: every prompt must be observed before the first check');
      observed += 1;
      if (!counts || threshold === null) return;
      const set = setOf(prompt);
      for (const text of set) {
        const slot = stringHash32(text) >>> (32 - countBits);
        if (counts[slot]! < 0xffff) counts[slot]! += 1;
      }
      prefixEntries += prefixLengths(set.size, threshold).long;
    },
    check(prompt, index) {
      if (index >= observed) throw new Error(`dedup: prompt ${index} was not observed (${observed} were)`);
      indexes ??= build();
      const text = promptText(prompt);
      const words = normalisedWords(text);
      const shape: PromptShape = {
        text,
        key: words.join(' '),
        set: counts ? shingles(words, options.shingleSize) : undefined,
      };
      const exact = options.exact ? exactMatch(indexes, shape.key) : undefined;
      if (exact) return removal(prompt, text, { reason: 'exact-duplicate', match: exact, similarity: 1 });
      const ordered = shape.set && counts ? orderedShingles(shape.set, counts) : [];
      const near =
        shape.set && threshold !== null ? nearMatch(indexes, shape.set, ordered, threshold, shinglesAt) : undefined;
      if (near) {
        const similarity = Math.round(near.similarity * 1000) / 1000;
        return removal(prompt, text, { reason: 'near-duplicate', match: store.promptAt(near.index), similarity });
      }
      if (options.exact) indexes.exact.add(stringHash32(shape.key), index);
      if (shape.set && threshold !== null) addPrefix(indexes, index, ordered, threshold);
      return undefined;
    },
  };
}

/** Indexes a kept prompt by its prefix shingles. */
function addPrefix(at: DedupIndexes, index: number, ordered: OrderedShingle[], threshold: number): void {
  at.sizes[index] = ordered.length;
  if (ordered.length === 0) {
    if (at.firstEmpty < 0) at.firstEmpty = index;
    return;
  }
  const { long, mid } = prefixLengths(ordered.length, threshold);
  for (let position = 0; position < long; position++) {
    const hash = ordered[position]!.hash;
    at.prefixes.add(position < mid ? midKey(hash) : tailKey(hash), index);
  }
}

/** The kept prompt most similar to `set` at or above the threshold (the first on a tie), if any. */
function nearMatch(
  at: DedupIndexes,
  set: Set<string>,
  ordered: OrderedShingle[],
  threshold: number,
  shinglesAt: (index: number) => Set<string>,
): { index: number; similarity: number } | undefined {
  if (set.size === 0) return at.firstEmpty < 0 ? undefined : { index: at.firstEmpty, similarity: 1 };
  const candidates = new Set<number>();
  const add = (index: number) => {
    const size = at.sizes[index]!;
    // The length filter: Jaccard ≤ the smaller size ÷ the larger.
    if (size >= threshold * set.size - epsilon && threshold * size <= set.size + epsilon) candidates.add(index);
  };
  const { long, mid } = prefixLengths(set.size, threshold);
  for (let position = 0; position < long; position++) {
    // A kept prompt as short or shorter meets this one within its `mid` prefix and this one's `long`; a longer one
    // within its `long` prefix (beyond `mid`: the tail) and this one's `mid`.
    at.prefixes.forEachValue(midKey(ordered[position]!.hash), add);
    if (position < mid) at.prefixes.forEachValue(tailKey(ordered[position]!.hash), add);
  }
  let best: { index: number; similarity: number } | undefined;
  for (const index of [...candidates].sort((a, b) => a - b)) {
    const similarity = jaccard(set, shinglesAt(index));
    if (similarity < threshold || similarity === 0 || (best && similarity <= best.similarity)) continue;
    best = { index, similarity };
  }
  return best;
}

/**
 * The shingle sets of the candidates read back last (most recent last): a near-duplicate group's first prompt is the
 * candidate of each later member, and reading it back costs more than the comparison.
 */
function recentShingleSets(read: (index: number) => Set<string>): (index: number) => Set<string> {
  const recent = new Map<number, Set<string>>();
  return (index) => {
    let set = recent.get(index);
    if (set) recent.delete(index);
    else set = read(index);
    recent.set(index, set);
    if (recent.size > recentSetLimit) recent.delete(recent.keys().next().value!);
    return set;
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
