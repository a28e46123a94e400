/**
 * @module evals/dataset-file
 * Where a benchmark's data file comes from: the user's path (`--data name=path`, `eval.data`), or its public URL,
 * downloaded once into the cache folder (atomically) and read from there afterwards. Then its rows, checked for the
 * columns the benchmark needs.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, DataError } from '../errors.js';
import { readTable } from '../io/read-table.js';
import { sha256 } from '../io/stable-hash.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';

export interface DatasetFileOptions {
  /** The benchmark name (for messages and the cache file name). */
  name: string;
  url: string;
  /** The user's file, which wins over the URL. */
  dataPath: string | undefined;
  cacheDir: string;
  /** Where the download is cached; default `<cacheDir>/<name>-<hash of the URL><extension>`. */
  cacheFile?: string;
  fetch: typeof fetch;
  signal?: AbortSignal;
}

/** The local file of a dataset: the user's path, or the cached download of its public URL. */
export async function resolveDatasetFile(options: DatasetFileOptions): Promise<{ file: string; source: string }> {
  if (options.dataPath) {
    if (!existsSync(options.dataPath)) {
      throw new DataError(`the ${options.name} data file does not exist: ${options.dataPath}`, {
        hint: `check --data ${options.name}=<path> or eval.data.${options.name} (paths in deliberate.yaml are relative to it)`,
      });
    }
    return { file: options.dataPath, source: options.dataPath };
  }
  const extension = path.extname(new URL(options.url).pathname) || '.csv';
  const file =
    options.cacheFile ?? path.join(options.cacheDir, `${options.name}-${sha256(options.url).slice(0, 12)}${extension}`);
  if (existsSync(file)) return { file, source: options.url };
  let body: string | Uint8Array;
  try {
    const response = await options.fetch(options.url, { signal: options.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    // Parquet is binary: as text its bytes would be mangled.
    body = extension === '.parquet' ? new Uint8Array(await response.arrayBuffer()) : await response.text();
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError();
    throw new DataError(
      `cannot download the ${options.name} dataset from ${options.url}: ${(error as Error).message}`,
      {
        hint: `download it yourself and pass --data ${options.name}=<file> (or set eval.data.${options.name} in deliberate.yaml)`,
      },
    );
  }
  writeFileAtomic(file, body);
  return { file, source: options.url };
}

/** Reads a CSV/JSONL/Parquet dataset's rows as they are (lists stay lists), or a DataError naming the bad row. */
export async function readRawDatasetRows(
  file: string,
): Promise<Array<{ location: string; record: Record<string, unknown> }>> {
  const rows = await readTable(file);
  if (rows.length === 0) throw new DataError('the dataset has no rows', { location: file });
  return rows.map((row) => {
    if (!row.record) throw new DataError(row.error ?? 'unreadable row', { location: row.location });
    return { location: row.location, record: row.record };
  });
}

/** Reads a CSV/JSONL/Parquet dataset and checks that every row has the named columns (and text in `nonEmpty`). */
export async function readDatasetRows(
  file: string,
  requiredColumns: readonly string[],
  options: { nonEmpty?: readonly string[] } = {},
): Promise<Array<{ location: string; record: Record<string, string> }>> {
  const rows = await readTable(file);
  const out: Array<{ location: string; record: Record<string, string> }> = [];
  for (const row of rows) {
    if (!row.record) throw new DataError(row.error ?? 'unreadable row', { location: row.location });
    const missing = requiredColumns.filter((column) => !(column in row.record!));
    if (missing.length > 0) {
      throw new DataError(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, {
        location: row.location,
        hint: `the file needs the columns ${requiredColumns.join(', ')}`,
      });
    }
    const record = Object.fromEntries(
      Object.entries(row.record).map(([key, value]) => [
        key,
        value === null || value === undefined ? '' : String(value),
      ]),
    );
    const empty = options.nonEmpty?.find((column) => record[column]!.trim() === '');
    if (empty !== undefined) {
      throw new DataError(`empty ${empty}`, {
        location: row.location,
        hint: `every row needs text in the ${empty} column; fill it in or remove the row`,
      });
    }
    out.push({ location: row.location, record });
  }
  if (out.length === 0) throw new DataError('the dataset has no rows', { location: file });
  return out;
}
