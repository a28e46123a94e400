/**
 * @module io/md5-word32
 * The first four bytes of a string's MD5 digest (of its UTF-8 bytes) as a little-endian uint32: the value
 * `createHash('md5').update(text).digest().readUInt32LE(0)` gives, computed in place (RFC 1321) in buffers reused
 * from call to call, so hashing millions of short strings (word shingles) leaves no Buffer or Hash object behind.
 */

const encoder = new TextEncoder();
/** The sine-derived constants of RFC 1321, section 3.4. */
const sines = Int32Array.from({ length: 64 }, (_, index) => Math.floor(Math.abs(Math.sin(index + 1)) * 2 ** 32) | 0);
const shifts = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const block = new Int32Array(16);
let bytes = new Uint8Array(1024);

/** @example md5Word32('lock key door') === createHash('md5').update('lock key door').digest().readUInt32LE(0) */
export function md5Word32(text: string): number {
  // A UTF-16 code unit is at most 3 UTF-8 bytes; padding adds 1 to 72 bytes.
  if (text.length * 3 + 72 > bytes.length) bytes = new Uint8Array(text.length * 3 + 72);
  const length = encoder.encodeInto(text, bytes).written;
  const padded = (((length + 8) >>> 6) + 1) << 6;
  bytes.fill(0, length, padded);
  bytes[length] = 0x80;
  const bits = length * 8;
  bytes[padded - 8] = bits & 0xff;
  bytes[padded - 7] = (bits >>> 8) & 0xff;
  bytes[padded - 6] = (bits >>> 16) & 0xff;
  bytes[padded - 5] = (bits >>> 24) & 0xff;
  const high = Math.floor(bits / 2 ** 32);
  bytes[padded - 4] = high & 0xff;
  bytes[padded - 3] = (high >>> 8) & 0xff;
  bytes[padded - 2] = (high >>> 16) & 0xff;
  bytes[padded - 1] = (high >>> 24) & 0xff;
  const state = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476];
  for (let offset = 0; offset < padded; offset += 64) compress(state, offset);
  return state[0]! >>> 0;
}

function compress(state: number[], offset: number): void {
  for (let word = 0; word < 16; word++) {
    const at = offset + word * 4;
    block[word] = bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
  }
  let [a, b, c, d] = state as [number, number, number, number];
  for (let step = 0; step < 64; step++) {
    let mixed: number;
    let word: number;
    if (step < 16) {
      mixed = (b & c) | (~b & d);
      word = step;
    } else if (step < 32) {
      mixed = (d & b) | (~d & c);
      word = (5 * step + 1) & 15;
    } else if (step < 48) {
      mixed = b ^ c ^ d;
      word = (3 * step + 5) & 15;
    } else {
      mixed = c ^ (b | ~d);
      word = (7 * step) & 15;
    }
    const sum = (a + mixed + sines[step]! + block[word]!) | 0;
    const shift = shifts[(step >>> 4) * 4 + (step & 3)]!;
    a = d;
    d = c;
    c = b;
    b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
}
