/**
 * @module io/bounded-memo
 * A memo of at most `limit` entries that is emptied when full: a lookup never reorders it (an LRU's delete-and-set on
 * every hit makes the Map rehash again and again, each backing store old-space garbage), and its size is bounded.
 * The interface is the tokenizer's BPE cache's (`get` / `put` / `clear`), which it replaces (io/count-tokens).
 */
export interface BoundedMemo<V> {
  readonly size: number;
  get(key: string): V | undefined;
  put(key: string, value: V): void;
  clear(): void;
}

/** @example const memo = createBoundedMemo<string[]>(50_000); memo.put('word', ['wo', 'rd']); memo.get('word'); */
export function createBoundedMemo<V>(limit: number): BoundedMemo<V> {
  const entries = new Map<string, V>();
  return {
    get size() {
      return entries.size;
    },
    get: (key) => entries.get(key),
    put(key, value) {
      if (entries.size >= limit && !entries.has(key)) entries.clear();
      entries.set(key, value);
    },
    clear: () => entries.clear(),
  };
}
