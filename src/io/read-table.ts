/**
 * @module io/read-table
 * Reads a table of records from JSONL, CSV or Parquet, each row with the location it came from (file:line or row).
 * No domain knowledge: callers validate the records and name the fields that are wrong.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { DataError } from '../errors.js';
import { decodeUtf8, describeUtf8Problem, findUtf8Problem } from './utf8-text.js';

export type TableFormat = 'jsonl' | 'csv' | 'parquet';

export interface TableRow {
  /**
   * `file:line` for JSONL and CSV (1-based, the header is line 1), `file:row N` for Parquet and `file:item N` for a
   * .json file holding one array (1-based).
   */
  location: string;
  /** The parsed record; for a JSONL line that is not JSON, `error` is set instead. */
  record: Record<string, unknown> | undefined;
  error?: string;
}

/** The table format from a file name: `.jsonl`/`.json`/`.ndjson`, `.csv`, `.parquet`. */
export function tableFormatOf(file: string): TableFormat {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson' || extension === '.json') return 'jsonl';
  if (extension === '.csv') return 'csv';
  if (extension === '.parquet') return 'parquet';
  throw new DataError(`cannot tell the format of ${file} from its extension "${extension}"`, {
    location: file,
    hint: 'use a .jsonl, .csv or .parquet file',
  });
}

/** Reads every row of a JSONL, CSV or Parquet file. A JSONL line that is not JSON comes back with `error` set. */
export async function readTable(file: string): Promise<TableRow[]> {
  const format = tableFormatOf(file);
  if (format === 'parquet') return readParquet(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new DataError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      location: file,
      hint: 'check the path (paths in deliberate.yaml are relative to the config file)',
    });
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    const { message, hint } = describeUtf8Problem(decoded.problem);
    // JSON Lines: each line is a row, so a bad line is a bad row (an error naming it, or a counted skip).
    if (format === 'jsonl' && !decoded.problem.binary && path.extname(file).toLowerCase() !== '.json') {
      return readJsonlLines(bytes, file);
    }
    throw new DataError(message, { location: `${file}:${decoded.problem.line}:${decoded.problem.column}`, hint });
  }
  const text = decoded.text;
  if (format === 'csv') return readCsvText(text, file);
  // A .json file holding one JSON array (not JSON Lines): read its items rather than fail on the "[" line.
  if (path.extname(file).toLowerCase() === '.json' && text.trimStart().startsWith('['))
    return readJsonArray(text, file);
  return readJsonlRows(text, file);
}

function readJsonArray(text: string, file: string): TableRow[] {
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${file} starts with "[" but is not a valid JSON array: ${(error as Error).message}`, {
      location: file,
      hint: 'write one JSON object per line (JSON Lines, .jsonl), or fix the JSON array',
    });
  }
  if (!Array.isArray(items)) return readJsonlRows(text, file);
  return items.map((value, index) => {
    const location = `${file}:item ${index + 1}`;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { location, record: undefined, error: 'the item is JSON but not an object' };
    }
    return { location, record: value as Record<string, unknown> };
  });
}

/** JSON Lines holding bytes that are not UTF-8: the lines that are text are read; each other line is a bad row. */
function readJsonlLines(bytes: Buffer, file: string): TableRow[] {
  const rows: TableRow[] = [];
  let start = 0;
  let line = 1;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const lineBytes = bytes.subarray(start, end);
    const problem = findUtf8Problem(lineBytes);
    if (problem) {
      const { message } = describeUtf8Problem(problem);
      rows.push({
        location: `${file}:${line}`,
        record: undefined,
        error: `${message} (column ${problem.column}); save the file as UTF-8`,
      });
    } else {
      for (const row of readJsonlRows(lineBytes.toString('utf8'), file)) {
        rows.push({ ...row, location: `${file}:${line}` });
      }
    }
    start = end + 1;
    line += 1;
  }
  return rows;
}

export function readJsonlRows(text: string, file: string): TableRow[] {
  const rows: TableRow[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    const location = `${file}:${index + 1}`;
    try {
      const value: unknown = JSON.parse(line);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        rows.push({ location, record: undefined, error: 'the line is JSON but not an object' });
      } else rows.push({ location, record: value as Record<string, unknown> });
    } catch (error) {
      rows.push({ location, record: undefined, error: `not valid JSON: ${(error as Error).message}` });
    }
  }
  return rows;
}

/** Parses CSV text with a header line; each row's location is `file:line`. Invalid CSV is an error naming the line. */
export function readCsvText(text: string, file: string): TableRow[] {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  // The line the last complete record (or the header) ended on: an unclosed quote opens on the next record's line.
  let lastRecordEnd = 1;
  try {
    records = parseCsv(text, {
      columns: true,
      skip_empty_lines: true,
      bom: true,
      info: true,
      relax_quotes: true,
      on_record: (record: { record: Record<string, string>; info: { lines: number } }) => {
        lastRecordEnd = record.info.lines;
        return record;
      },
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    // csv-parse reports an unclosed quote at the end of the file; the user needs the line where it opened.
    const line = code === 'CSV_QUOTE_NOT_CLOSED' ? lastRecordEnd + 1 : (error as { lines?: number }).lines;
    const message =
      code === 'CSV_QUOTE_NOT_CLOSED'
        ? `a quoted field in the record starting on line ${line} is never closed (${(error as Error).message})`
        : (error as Error).message;
    throw new DataError(`invalid CSV: ${message}`, {
      location: line === undefined ? file : `${file}:${line}`,
      hint: 'the first line must be a header; quote fields that contain commas or newlines',
    });
  }
  return records.map(({ record, info }) => ({ location: `${file}:${info.lines}`, record }));
}

async function readParquet(file: string): Promise<TableRow[]> {
  let objects: Record<string, unknown>[];
  try {
    objects = await parquetReadObjects({ file: await asyncBufferFromFile(file), rowFormat: 'object' });
  } catch (error) {
    throw new DataError(`cannot read Parquet file: ${(error as Error).message}`, {
      location: file,
      hint: 'check that the file is Parquet (not a Git LFS pointer or a truncated download)',
    });
  }
  return objects.map((record, index) => ({ location: `${file}:row ${index + 1}`, record: normaliseValues(record) }));
}

/** Parquet gives BigInt for int64; JSON-shaped records are easier for every caller. */
function normaliseValues(record: Record<string, unknown>): Record<string, unknown> {
  const convert = (value: unknown): unknown => {
    if (typeof value === 'bigint') return Number(value);
    if (Array.isArray(value)) return value.map(convert);
    if (value !== null && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, convert(inner)]));
    }
    return value;
  };
  return convert(record) as Record<string, unknown>;
}
