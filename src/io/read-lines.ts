/**
 * @module io/read-lines
 * Lines of a text file, read in chunks: a batch file of 200 MB is never one string in memory.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Each line of a UTF-8 file with its 1-based number (a trailing `\r` removed; the final line may lack `\n`). */
export function* readLinesSync(file: string, chunkBytes = 1 << 20): Generator<{ line: string; number: number }> {
  const descriptor = openSync(file, 'r');
  const decoder = new StringDecoder('utf8');
  const chunk = Buffer.alloc(chunkBytes);
  let carry = '';
  let number = 0;
  try {
    for (;;) {
      const read = readSync(descriptor, chunk, 0, chunkBytes, null);
      const text = carry + (read > 0 ? decoder.write(chunk.subarray(0, read)) : decoder.end());
      const parts = text.split('\n');
      carry = read > 0 ? parts.pop()! : '';
      if (read === 0 && parts.at(-1) === '') parts.pop();
      for (const part of parts) {
        number += 1;
        yield { line: part.endsWith('\r') ? part.slice(0, -1) : part, number };
      }
      if (read === 0) return;
    }
  } finally {
    closeSync(descriptor);
  }
}
