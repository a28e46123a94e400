/**
 * @module io/uint32-multimap
 * A multimap from uint32 keys to uint32 values in two typed arrays (open addressing, linear probing): about 10 bytes
 * an entry at the usual load, against about 100 for a `Map<string, number[]>`, and nothing for the garbage collector
 * to walk. Keys are expected to be hashes (well mixed); a value is any uint32 but 0xFFFFFFFF.
 *
 * With `tagBits: 16` only the low 16 bits of a key are stored (6 bytes a slot): `forEachValue` may then also visit
 * values added under another key, which the caller must check. Such a map cannot grow (the full keys are gone), so
 * it is sized for its most entries up front and `add` beyond them is an error.
 */

export interface Uint32Multimap {
  readonly size: number;
  add(key: number, value: number): void;
  /** Each value added under `key`, in the order they were added (and, with `tagBits: 16`, maybe a few others). */
  forEachValue(key: number, visit: (value: number) => void): void;
}

export interface Uint32MultimapOptions {
  /** Entries to make room for (a 16-bit map holds no more). */
  capacity?: number;
  tagBits?: 16 | 32;
}

const maxLoad = 0.8;

/** @example const ids = createUint32Multimap(); ids.add(hash, row); ids.forEachValue(hash, (row) => …); */
export function createUint32Multimap(options: Uint32MultimapOptions = {}): Uint32Multimap {
  const full = (options.tagBits ?? 32) === 32;
  const limit = Math.max(16, Math.ceil(options.capacity ?? 1024));
  let slots = Math.ceil(limit / maxLoad) + 1;
  let values = new Uint32Array(slots);
  let tags: Uint32Array | Uint16Array = full ? new Uint32Array(slots) : new Uint16Array(slots);
  let size = 0;
  // The home slot comes from the key's high bits, the 16-bit tag from its low bits.
  const home = (key: number) => Math.floor(((key >>> 0) * slots) / 4294967296);
  const tagOf = (key: number) => (full ? key >>> 0 : key & 0xffff);
  const place = (key: number, value: number) => {
    let slot = home(key);
    while (values[slot] !== 0) slot = slot + 1 === slots ? 0 : slot + 1;
    values[slot] = value + 1;
    tags[slot] = tagOf(key);
  };
  const grow = () => {
    const oldValues = values;
    const oldKeys = tags;
    slots = slots * 2;
    values = new Uint32Array(slots);
    tags = new Uint32Array(slots);
    for (let slot = 0; slot < oldValues.length; slot++) {
      if (oldValues[slot] !== 0) place(oldKeys[slot]!, oldValues[slot]! - 1);
    }
  };
  return {
    get size() {
      return size;
    },
    add(key, value) {
      if (value >>> 0 !== value || value === 0xffffffff)
        throw new RangeError(`value ${value} is not a uint32 below 2^32-1`);
      if (size + 1 > slots * maxLoad) {
        if (!full) throw new RangeError(`a 16-bit multimap holds ${limit} entries; size it for more`);
        grow();
      }
      place(key, value);
      size += 1;
    },
    forEachValue(key, visit) {
      const tag = tagOf(key);
      for (let slot = home(key); values[slot] !== 0; slot = slot + 1 === slots ? 0 : slot + 1) {
        if (tags[slot] === tag) visit(values[slot]! - 1);
      }
    },
  };
}
