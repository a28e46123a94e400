/**
 * @module io/line-spool
 * Lines kept in a temporary file instead of memory, each addressed by its index (its byte offset is 8 bytes in a
 * typed array): a million prompts cost 8 MB here, not the 8 GB of their objects. Lines must not hold `\n`
 * (JSON.stringify never writes one). The file is removed by `close`.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readLinesSync } from './read-lines.js';

export interface LineSpool {
  /** Lines appended so far. */
  readonly count: number;
  /** Appends a line; returns its index. */
  append(line: string): number;
  read(index: number): string;
  /** Every line in order, read in chunks. */
  lines(): Generator<string>;
  close(): void;
}

/**
 * Small writes and reads: pending lines and a read chunk die young. At 1 MB the pending lines outlived a scavenge and
 * became old-space garbage (1,000,000 prompts through intake peaked 25 MB higher).
 */
const flushBytes = 64 << 10;
const readBytes = 64 << 10;

/** @example const spool = createLineSpool(); const index = spool.append(JSON.stringify(row)); spool.read(index); */
export function createLineSpool(folder: string = os.tmpdir()): LineSpool {
  const directory = mkdtempSync(path.join(folder, 'deliberate-spool-'));
  const file = path.join(directory, 'lines');
  const descriptor = openSync(file, 'w+');
  let offsets = new Float64Array(1024);
  let count = 0;
  let written = 0;
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pending.length === 0) return;
    writeSync(descriptor, pending.join(''), written);
    written += pendingBytes;
    pending = [];
    pendingBytes = 0;
  };
  const end = (index: number) => (index + 1 < count ? offsets[index + 1]! : written + pendingBytes);
  return {
    get count() {
      return count;
    },
    append(line) {
      if (count + 1 >= offsets.length) {
        const grown = new Float64Array(offsets.length * 2);
        grown.set(offsets);
        offsets = grown;
      }
      offsets[count] = written + pendingBytes;
      const text = `${line}\n`;
      pending.push(text);
      pendingBytes += Buffer.byteLength(text);
      if (pendingBytes >= flushBytes) flush();
      return count++;
    },
    read(index) {
      if (index < 0 || index >= count) throw new RangeError(`line ${index} is not in the spool (${count} lines)`);
      flush();
      const start = offsets[index]!;
      const bytes = Buffer.allocUnsafe(end(index) - start - 1);
      readSync(descriptor, bytes, 0, bytes.length, start);
      return bytes.toString('utf8');
    },
    *lines() {
      flush();
      for (const { line } of readLinesSync(file, readBytes)) yield line;
    },
    close() {
      closeSync(descriptor);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
