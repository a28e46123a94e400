/**
 * @module io/utf8-text
 * Text files are UTF-8 or an error: bytes that are not UTF-8 would otherwise become U+FFFD (`S�curit�`) silently.
 * Finds the first bad byte's line and column, and tells binary files (NUL bytes) apart.
 */

export interface Utf8Problem {
  /** 1-based line and column (column counted in characters before the bad byte, plus one). */
  line: number;
  column: number;
  /** The bad byte, as `0xE9`. */
  byte: string;
  /** A NUL byte: the file is binary, not text in another encoding. */
  binary: boolean;
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true });
const lenientDecoder = new TextDecoder('utf-8');

/** Length of the valid UTF-8 sequence starting at `index`, or 0 when the byte there starts no valid sequence. */
function sequenceLength(bytes: Uint8Array, index: number): number {
  const first = bytes[index]!;
  if (first < 0x80) return 1;
  const length =
    first >= 0xc2 && first <= 0xdf ? 2 : first >= 0xe0 && first <= 0xef ? 3 : first >= 0xf0 && first <= 0xf4 ? 4 : 0;
  if (length === 0 || index + length > bytes.length) return 0;
  for (let next = 1; next < length; next++) if ((bytes[index + next]! & 0xc0) !== 0x80) return 0;
  try {
    fatalDecoder.decode(bytes.subarray(index, index + length));
    return length;
  } catch {
    return 0; // overlong forms and surrogates
  }
}

/** The first byte that is not UTF-8 text (or a NUL), or null when the whole buffer is text. */
export function findUtf8Problem(bytes: Uint8Array): Utf8Problem | null {
  let valid = true;
  try {
    fatalDecoder.decode(bytes);
  } catch {
    valid = false;
  }
  if (valid && !bytes.includes(0)) return null;
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < bytes.length; ) {
    const byte = bytes[index]!;
    const length = byte === 0 ? 0 : sequenceLength(bytes, index);
    if (length === 0) {
      const column = lenientDecoder.decode(bytes.subarray(lineStart, index)).length + 1;
      return { line, column, byte: `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`, binary: byte === 0 };
    }
    if (byte === 0x0a) {
      line += 1;
      lineStart = index + 1;
    }
    index += length;
  }
  return null;
}

/** What the problem means for a person, with the fix. */
export function describeUtf8Problem(problem: Utf8Problem): { message: string; hint: string } {
  return problem.binary
    ? {
        message: 'the file is binary (it holds a NUL byte), not text',
        hint: 'point at the text file, or remove this file from the folder',
      }
    : {
        message: `invalid UTF-8: byte ${problem.byte} is not UTF-8 text`,
        hint: 'save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 in > out)',
      };
}

/** Decodes UTF-8 text, or returns the problem (never a U+FFFD substitution). */
export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false; problem: Utf8Problem } {
  const problem = findUtf8Problem(bytes);
  return problem ? { ok: false, problem } : { ok: true, text: lenientDecoder.decode(bytes) };
}
