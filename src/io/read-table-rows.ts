/**
 * @module io/read-table-rows
 * The rows of a table one at a time, in file order: JSON Lines are read in chunks (a 230 MB file is never one string),
 * so a caller that keeps nothing per row holds memory independent of the file's length. The rows, their locations and
 * every error are those of `readTable`; CSV, Parquet and a `.json` file holding one array are read whole.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';
import { readJsonlRows, readTable, type TableRow } from './read-table.js';
import { describeUtf8Problem, findUtf8Problem, type Utf8Problem } from './utf8-text.js';

/** Each line of a file as bytes (without its `\n`), with its 1-based number. */
function* lineBytesOf(file: string, chunkBytes: number): Generator<{ bytes: Buffer; number: number }> {
  const descriptor = openFile(file);
  const chunk = Buffer.allocUnsafe(chunkBytes);
  let carry: Buffer = Buffer.alloc(0);
  let number = 0;
  try {
    for (;;) {
      const read = readSync(descriptor, chunk, 0, chunkBytes, null);
      const bytes =
        read === 0
          ? carry
          : carry.length === 0
            ? chunk.subarray(0, read)
            : Buffer.concat([carry, chunk.subarray(0, read)]);
      let start = 0;
      for (let end = bytes.indexOf(0x0a, start); end >= 0; end = bytes.indexOf(0x0a, start)) {
        number += 1;
        yield { bytes: bytes.subarray(start, end), number };
        start = end + 1;
      }
      if (read === 0) {
        // The last line (after the final `\n`, maybe empty) is a line too, as in a split on `\n`.
        yield { bytes: bytes.subarray(start), number: number + 1 };
        return;
      }
      carry = Buffer.from(bytes.subarray(start));
    }
  } finally {
    closeSync(descriptor);
  }
}

function openFile(file: string): number {
  try {
    return openSync(file, 'r');
  } catch (error) {
    throw new DataError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      location: file,
      hint: 'check the path (paths in deliberate.yaml are relative to the config file)',
    });
  }
}

/** The problem of a line that is not UTF-8 text (or holds a NUL), or null. */
function lineProblem(bytes: Buffer, number: number): Utf8Problem | null {
  if (isUtf8(bytes) && !bytes.includes(0)) return null;
  const problem = findUtf8Problem(bytes);
  return problem && { ...problem, line: number };
}

function binaryError(file: string, problem: Utf8Problem): DataError {
  const { message, hint } = describeUtf8Problem(problem);
  return new DataError(message, { location: `${file}:${problem.line}:${problem.column}`, hint });
}

/**
 * For a caller about to stop at a bad row of a JSON Lines file: the error readTable would have given first, when the
 * file's first byte that is not UTF-8 is a NUL (a binary file); undefined otherwise. Reads the file again, in chunks.
 */
export function binaryFileError(file: string, options: { chunkBytes?: number } = {}): DataError | undefined {
  if (!streamed(file)) return undefined;
  for (const { bytes, number } of lineBytesOf(file, options.chunkBytes ?? 64 << 10)) {
    const problem = lineProblem(bytes, number);
    if (problem) return problem.binary ? binaryError(file, problem) : undefined;
  }
  return undefined;
}

function streamed(file: string): boolean {
  const extension = path.extname(file).toLowerCase();
  return extension === '.jsonl' || extension === '.ndjson';
}

/**
 * Every row of a JSONL, CSV or Parquet file, as `readTable` reads them, yielded one by one (`chunkBytes`: the read
 * size for JSON Lines). A line that is not UTF-8 is a bad row (never U+FFFD); a NUL before any such line makes the
 * file binary, an error. A caller that stops at an earlier bad row asks binaryFileError first.
 */
export async function* readTableRows(file: string, options: { chunkBytes?: number } = {}): AsyncGenerator<TableRow> {
  if (!streamed(file)) {
    yield* await readTable(file);
    return;
  }
  let textProblemSeen = false;
  for (const { bytes, number } of lineBytesOf(file, options.chunkBytes ?? 64 << 10)) {
    const problem = lineProblem(bytes, number);
    if (problem?.binary && !textProblemSeen) throw binaryError(file, problem);
    if (problem) {
      textProblemSeen = true;
      const error = `${describeUtf8Problem(problem).message} (column ${problem.column}); save the file as UTF-8`;
      yield { location: `${file}:${number}`, record: undefined, error };
      continue;
    }
    for (const row of readJsonlRows(bytes.toString('utf8'), file)) yield { ...row, location: `${file}:${number}` };
  }
}
