/**
 * @module models/batch-folder
 * The folder a run's batch rounds go through (`--via batch`, `--batch-write`, `--batch-read`):
 * - `<role>.requests.jsonl` (or `<role>.requests.<i>-of-<n>.jsonl`): the pending requests of one role as OpenAI Batch /
 *   `vllm run-batch` input, split at the limits (OpenAI: 50,000 requests and 200 MB per file) and into n files for n
 *   nodes; each custom_id is `deliberate-<request cache key>`;
 * - every other `*.jsonl` in the folder is a result file (OpenAI Batch output or error file, `vllm run-batch -o`);
 *   once read into the request cache it moves to `read/<n>/`.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';
import { parseJsonlLine } from '../io/jsonl.js';
import { readLinesSync } from '../io/read-lines.js';
import {
  type BatchLimits,
  BatchResultLine,
  batchCacheKey,
  createBatchSplitter,
  describeBatchFailure,
  partFile,
} from './batch-file.js';
import type { GenerateResult } from './chat-model.js';
import type { BatchLineFailure } from './defer-to-batch.js';
import type { OpenAICompatibleModel } from './openai-compatible-model.js';
import type { RequestCache } from './request-cache.js';

const requestFileName = /^(?<role>[A-Za-z][\w-]*)\.requests(?:\.\d+-of-\d+)?\.jsonl$/;

export interface BatchFolderListing {
  requestFiles: Array<{ role: string; file: string }>;
  resultFiles: string[];
}

/** The request and result files directly in `dir` (none when it does not exist yet). */
export function listBatchFolder(dir: string): BatchFolderListing {
  const listing: BatchFolderListing = { requestFiles: [], resultFiles: [] };
  if (!existsSync(dir)) return listing;
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.jsonl') && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    const role = requestFileName.exec(name)?.groups?.role;
    if (role) listing.requestFiles.push({ role, file: path.join(dir, name) });
    else listing.resultFiles.push(path.join(dir, name));
  }
  return listing;
}

/** Where a role's pending lines are spooled during a run, before they are split into request files. */
export function batchSpoolFile(dir: string, role: string): string {
  return path.join(dir, `.${role}.pending.jsonl`);
}

export interface WrittenBatchFile {
  role: string;
  file: string;
  requests: number;
  bytes: number;
}

/** Splits one spool (`total` lines) into request files within the limits, each written whole (temp file + rename). */
function splitSpool(spoolFile: string, total: number, base: string, limits: BatchLimits): WrittenBatchFile[] {
  const role = path.basename(base).split('.')[0]!;
  const countGroups = createBatchSplitter(total, limits);
  let groups = 0;
  for (const { line } of readLinesSync(spoolFile)) {
    if (line === '') continue;
    if (countGroups(Buffer.byteLength(line) + 1) || groups === 0) groups += 1;
  }
  const startsNew = createBatchSplitter(total, limits);
  const written: WrittenBatchFile[] = [];
  let descriptor: number | undefined;
  const finish = () => {
    if (descriptor === undefined) return;
    closeSync(descriptor);
    const current = written.at(-1)!;
    renameSync(`${current.file}.tmp`, current.file);
  };
  for (const { line } of readLinesSync(spoolFile)) {
    if (line === '') continue;
    const bytes = Buffer.byteLength(line) + 1;
    if (startsNew(bytes) || descriptor === undefined) {
      finish();
      const file = partFile(base, written.length, groups);
      written.push({ role, file, requests: 0, bytes: 0 });
      descriptor = openSync(`${file}.tmp`, 'w');
    }
    writeSync(descriptor, `${line}\n`);
    written.at(-1)!.requests += 1;
    written.at(-1)!.bytes += bytes;
  }
  finish();
  return written;
}

/**
 * Replaces the folder's request files with each role's spooled requests, split at the limits; the spools are removed.
 * A role with nothing pending gets no file.
 */
export function writeBatchFolder(options: {
  dir: string;
  spools: Array<{ role: string; spoolFile: string; pending: number }>;
  limits: BatchLimits;
}): WrittenBatchFile[] {
  mkdirSync(options.dir, { recursive: true });
  for (const { file } of listBatchFolder(options.dir).requestFiles) rmSync(file);
  const written: WrittenBatchFile[] = [];
  for (const spool of options.spools) {
    if (spool.pending > 0) {
      const base = path.join(options.dir, `${spool.role}.requests.jsonl`);
      written.push(...splitSpool(spool.spoolFile, spool.pending, base, options.limits));
    }
    rmSync(spool.spoolFile, { force: true });
  }
  return written;
}

export interface ReadBatchFolderResult {
  /** The result files read (their paths before they moved to `archive`). */
  files: string[];
  /** Where the read files went (`<dir>/read/<n>`), null when there were none. */
  archive: string | null;
  /** Results stored in the request cache. */
  stored: number;
  /** Lines for requests the cache already answered (a late copy of an earlier round's results). */
  alreadyCached: number;
  /** Failed lines by request cache key: those requests end as typed failures in this run and are sent again next. */
  failures: Map<string, BatchLineFailure & { role: string }>;
}

type CheckedLine =
  | { kind: 'result'; key: string; modelId: string; result: GenerateResult }
  | { kind: 'failed'; key: string; role: string; failure: BatchLineFailure }
  | { kind: 'cached' };

/** custom_id → role, from the folder's request files. */
function indexRequests(listing: BatchFolderListing): Map<string, string> {
  const roles = new Map<string, string>();
  for (const { role, file } of listing.requestFiles) {
    for (const { line, number } of readLinesSync(file)) {
      if (line.trim() === '') continue;
      let customId: unknown;
      try {
        customId = (JSON.parse(line) as { custom_id?: unknown }).custom_id;
      } catch {
        customId = undefined;
      }
      if (typeof customId !== 'string') {
        throw new DataError('not a batch request line (JSON with a custom_id)', {
          location: `${file}:${number}`,
          hint: 'request files are written by deliberate: write them again with --batch-write, do not edit them',
        });
      }
      if (!roles.has(customId)) roles.set(customId, role);
    }
  }
  return roles;
}

function archiveFiles(dir: string, files: string[]): string {
  const readDir = path.join(dir, 'read');
  const taken = existsSync(readDir) ? readdirSync(readDir).map(Number).filter(Number.isInteger) : [];
  const archive = path.join(readDir, String(Math.max(0, ...taken) + 1));
  mkdirSync(archive, { recursive: true });
  for (const file of files) renameSync(file, path.join(archive, path.basename(file)));
  return archive;
}

/**
 * Reads every result file of the folder into the request cache, joined on custom_id. Every line is checked before
 * anything is stored: a malformed line, or a custom_id that no request file of the folder holds (and the cache does
 * not already answer), is an error naming file:line, and nothing is stored. A failed line (an error, a status other
 * than 200, a body that is no chat completion) becomes a failure with the provider's message; a result for the same
 * request in another line wins over it. The files read move to `read/<n>/`.
 */
export function readBatchFolder(options: {
  dir: string;
  models: Record<string, OpenAICompatibleModel>;
  cache: RequestCache;
}): ReadBatchFolderResult {
  const listing = listBatchFolder(options.dir);
  const result: ReadBatchFolderResult = {
    files: listing.resultFiles,
    archive: null,
    stored: 0,
    alreadyCached: 0,
    failures: new Map(),
  };
  if (listing.resultFiles.length === 0) return result;
  const roles = indexRequests(listing);
  const check = (line: string, location: string): CheckedLine => {
    const row = parseJsonlLine(line, BatchResultLine, location);
    const key = batchCacheKey(row.custom_id);
    const role = roles.get(row.custom_id);
    if (role === undefined || key === undefined) {
      if (key !== undefined && options.cache.get(key) !== undefined) return { kind: 'cached' };
      throw new DataError(`custom_id "${row.custom_id}" is not a request of ${options.dir}`, {
        location,
        hint: "put only the results of this folder's request files here (a result file of another run or folder does not belong), then read again",
      });
    }
    const model = options.models[role];
    if (!model) {
      throw new DataError(`the request file of role "${role}" has no such role in the config to read it with`, {
        location,
        hint: `add models.${role} back to deliberate.yaml, or remove its request and result files`,
      });
    }
    if (!row.error && row.response?.status_code === 200) {
      try {
        return { kind: 'result', key, modelId: model.id, result: model.parseCompletionBody(row.response.body, 0) };
      } catch (error) {
        return { kind: 'failed', key, role, failure: { location, message: (error as Error).message } };
      }
    }
    return { kind: 'failed', key, role, failure: { location, ...describeBatchFailure(row) } };
  };
  const succeeded = new Set<string>();
  const eachLine = (visit: (checked: CheckedLine) => void) => {
    for (const file of listing.resultFiles) {
      for (const { line, number } of readLinesSync(file)) {
        if (line.trim() !== '') visit(check(line, `${file}:${number}`));
      }
    }
  };
  eachLine((checked) => {
    if (checked.kind === 'result') succeeded.add(checked.key);
  });
  eachLine((checked) => {
    if (checked.kind === 'cached') result.alreadyCached += 1;
    else if (checked.kind === 'result') {
      options.cache.set(checked.key, { modelId: checked.modelId, result: checked.result });
      result.stored += 1;
    } else if (!succeeded.has(checked.key) && !result.failures.has(checked.key)) {
      result.failures.set(checked.key, { ...checked.failure, role: checked.role });
    }
  });
  result.archive = archiveFiles(options.dir, listing.resultFiles);
  return result;
}
