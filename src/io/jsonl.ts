import { appendFileSync, closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { z } from 'zod';
import { DataError } from '../errors.js';
import { openAtomicFileWriter } from './atomic-file-writer.js';

/** Reads a JSONL file and validates each line; an invalid line is an error naming file:line and the field. */
export function readJsonl<T extends z.ZodType>(file: string, schema: T): z.infer<T>[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DataError(`cannot read JSONL file: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      location: file,
      hint: 'check the path: it must be a JSONL file (one JSON object per line)',
    });
  }
  const rows: z.infer<T>[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    rows.push(parseJsonlLine(line, schema, `${file}:${index + 1}`));
  }
  return rows;
}

export function parseJsonlLine<T extends z.ZodType>(line: string, schema: T, location: string): z.infer<T> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new DataError(`not valid JSON: ${(error as Error).message}`, {
      location,
      hint: 'each line of a JSONL file must be one complete JSON object',
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join('.') : '(record)';
    throw new DataError(`${field}: ${issue.message}`, { location, hint: 'fix or remove this line' });
  }
  return parsed.data;
}

/** Writes rows as JSONL atomically (temp file + rename), a row at a time: the file's text is never one string. */
export function writeJsonl(file: string, rows: Iterable<unknown>): void {
  const writer = openAtomicFileWriter(file);
  try {
    for (const row of rows) writer.write(`${JSON.stringify(row)}\n`);
    writer.commit();
  } catch (error) {
    writer.abort();
    throw error;
  }
}

/** Appends one row; for journals where each line is a finished unit of work. */
export function appendJsonl(file: string, row: unknown): void {
  appendFileSync(file, `${JSON.stringify(row)}\n`);
}

export interface JsonlAppender {
  append(row: unknown): void;
  close(): void;
}

/**
 * Appends rows to one JSONL file through a descriptor kept open (one write per row, no open/close per row: a log
 * written on every model call). Each row is in the file when `append` returns.
 */
export function openJsonlAppender(file: string): JsonlAppender {
  let descriptor: number | undefined;
  return {
    append(row) {
      descriptor ??= openSync(file, 'a');
      writeSync(descriptor, `${JSON.stringify(row)}\n`);
    },
    close() {
      if (descriptor !== undefined) closeSync(descriptor);
      descriptor = undefined;
    },
  };
}
