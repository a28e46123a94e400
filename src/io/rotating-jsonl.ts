/**
 * @module io/rotating-jsonl
 * An append-only JSONL file rotated by size: before a line would take `file` past `maxBytes`, `file.(keep-1)` moves
 * to `file.keep` (the oldest beyond `keep` is deleted), …, `file` to `file.1`, and a new `file` starts. Lines are
 * never rewritten; a line is written whole with one append.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export interface RotatingJsonl {
  readonly file: string;
  append(entry: unknown): void;
}

export interface RotatingJsonlOptions {
  maxBytes: number;
  /** Rotated files kept besides the current one. */
  keep: number;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function rotate(file: string, keep: number): void {
  if (keep === 0) {
    rmSync(file, { force: true });
    return;
  }
  rmSync(`${file}.${keep}`, { force: true });
  for (let index = keep - 1; index >= 1; index--) {
    if (existsSync(`${file}.${index}`)) renameSync(`${file}.${index}`, `${file}.${index + 1}`);
  }
  renameSync(file, `${file}.1`);
}

/** Opens (creating its folder) an append-only JSONL file that rotates at `maxBytes`. */
export function openRotatingJsonl(file: string, options: RotatingJsonlOptions): RotatingJsonl {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let size = sizeOf(file);
  return {
    file,
    append(entry) {
      const line = `${JSON.stringify(entry)}\n`;
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > options.maxBytes) {
        rotate(file, options.keep);
        size = 0;
      }
      appendFileSync(file, line);
      size += bytes;
    },
  };
}
