/**
 * @module io/string-hash32
 * A fast, well-mixed 32-bit hash of a string (FNV-1a over its UTF-16 code units, then murmur3's finaliser), for the
 * keys of typed-array indexes; collisions happen, so an index built on it checks each match.
 */

/** murmur3's 32-bit finaliser. */
export function mixHash32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function stringHash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let index = 0; index < text.length; index++) {
    h ^= text.charCodeAt(index);
    h = Math.imul(h, 0x01000193);
  }
  return mixHash32(h);
}
