/**
 * @module io/index-chains
 * Several multimaps ("lists") from uint32 keys (hashes, well mixed) to the indexes 0 … capacity - 1, each index under
 * at most one key a list, held as chains in typed arrays: a list's head table, by the key's high bits, starts a chain
 * of indexes, newest first, each index's entry giving the 16 low bits of its key and the index after it. Visiting a
 * key's indexes walks only its chain (its own indexes and the few of other keys with the same head), never through
 * other keys' entries as linear probing does past a key holding thousands. About 7.5 bytes an index a list, as a
 * 16-bit-tagged open-addressed table at 0.8 load: 2 (tag) + 4 (next) + 4 × 3/8 (heads).
 *
 * Like such a table, a key's visit may also give indexes added under another key (the same head and low 16 bits),
 * which the caller must check; it never misses one of the key's.
 */

export interface IndexChains {
  /** Files `index` under `key` in `list`. */
  add(list: number, key: number, index: number): void;
  /** The newest index filed under `key` in `list` (or maybe under a key alike), -1 when none. */
  first(list: number, key: number): number;
  /** The index filed under `key` in `list` before `index` (one `first` or `after` gave), -1 when none. */
  after(list: number, index: number, key: number): number;
}

/** @example const chains = createIndexChains(16, n); chains.add(band, key, i); for (let j = chains.first(band, key); j >= 0; j = chains.after(band, j, key)) … */
export function createIndexChains(lists: number, capacity: number): IndexChains {
  const size = Math.max(capacity, 1);
  const headCount = Math.max(1, Math.ceil((size * 3) / 8));
  const heads = new Int32Array(lists * headCount).fill(-1);
  const next = new Int32Array(lists * size);
  const tags = new Uint16Array(lists * size);
  const headOf = (list: number, key: number) => list * headCount + Math.floor(((key >>> 0) * headCount) / 4294967296);
  // From `index` on along its chain (in the list at `offset`), the first index whose entry has `tag`; -1 at the end.
  const seek = (offset: number, index: number, tag: number) => {
    let at = index;
    while (at >= 0 && tags[offset + at] !== tag) at = next[offset + at]!;
    return at;
  };
  return {
    add(list, key, index) {
      if (!(index >= 0 && index < size && Number.isInteger(index)))
        throw new RangeError(`index ${index} is outside 0 … ${size - 1}`);
      const head = headOf(list, key);
      const entry = list * size + index;
      next[entry] = heads[head]!;
      tags[entry] = key & 0xffff;
      heads[head] = index;
    },
    first(list, key) {
      return seek(list * size, heads[headOf(list, key)]!, key & 0xffff);
    },
    after(list, index, key) {
      const offset = list * size;
      return seek(offset, next[offset + index]!, key & 0xffff);
    },
  };
}
