/**
 * @module io/atomic-file-writer
 * A file written piece by piece through a temp file beside it and renamed into place on `commit`, so a crash or an
 * `abort` never leaves it half-written, and no caller holds the whole text in memory.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { temporaryPathFor } from './write-file-atomic.js';

export interface AtomicFileWriter {
  write(text: string): void;
  /** Writes what is buffered and renames the temp file onto the target. */
  commit(): void;
  /** Removes the temp file; the target is left as it was. */
  abort(): void;
}

/** Small writes: the pending text dies young, before a scavenge would move it to old space (see io/line-spool). */
const flushChars = 64 << 10;

/** @example const writer = openAtomicFileWriter(file); writer.write(line); writer.commit(); */
export function openAtomicFileWriter(file: string): AtomicFileWriter {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = temporaryPathFor(file);
  const descriptor = openSync(temporary, 'w');
  let open = true;
  let pending: string[] = [];
  let pendingChars = 0;
  const flush = () => {
    if (pending.length > 0) writeSync(descriptor, pending.join(''));
    pending = [];
    pendingChars = 0;
  };
  const close = () => {
    if (!open) return;
    open = false;
    closeSync(descriptor);
  };
  return {
    write(text) {
      pending.push(text);
      pendingChars += text.length;
      if (pendingChars >= flushChars) flush();
    },
    commit() {
      try {
        flush();
        close();
        renameSync(temporary, file);
      } catch (error) {
        close();
        rmSync(temporary, { force: true });
        throw error;
      }
    },
    abort() {
      close();
      rmSync(temporary, { force: true });
    },
  };
}
