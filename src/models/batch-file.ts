/**
 * @module models/batch-file
 * Batch files: pending requests written as OpenAI Batch / `vllm run-batch` JSONL, and result files in
 * the OpenAI Batch output format read back by `custom_id` into the request cache, so a later run of the same
 * requests is answered from the cache with no HTTP requests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DataError } from '../errors.js';
import { parseJsonlLine } from '../io/jsonl.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import type { GenerateRequest } from './chat-model.js';
import type { OpenAICompatibleModel } from './openai-compatible-model.js';
import { type RequestCache, requestCacheKey } from './request-cache.js';

const customIdPrefix = 'deliberate-';

/** One request line: `{custom_id, method, url, body}`. */
export const BatchRequestLine = z.object({
  custom_id: z.string().min(1),
  method: z.literal('POST'),
  url: z.literal('/v1/chat/completions'),
  body: z.record(z.string(), z.unknown()),
});
export type BatchRequestLine = z.infer<typeof BatchRequestLine>;

/** One result line: `{id, custom_id, response: {status_code, request_id, body}, error}`. */
export const BatchResultLine = z.looseObject({
  id: z.string().nullish(),
  custom_id: z.string().min(1),
  response: z
    .looseObject({ status_code: z.number().int(), request_id: z.string().nullish(), body: z.unknown().optional() })
    .nullish(),
  error: z.unknown().nullish(),
});
export type BatchResultLine = z.infer<typeof BatchResultLine>;

/** The custom_id of a request: its cache key, so results join on content, never on line order. */
export function batchCustomId(cacheKey: string): string {
  return `${customIdPrefix}${cacheKey}`;
}

/** The request cache key in a custom_id deliberate wrote; undefined for any other custom_id. */
export function batchCacheKey(customId: string): string | undefined {
  return customId.startsWith(customIdPrefix) ? customId.slice(customIdPrefix.length) : undefined;
}

/** The provider's words in an error value: a string, `{code, message}`, or `{error: {…}}` (OpenAI, vLLM). */
function errorText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return String(value);
  const record = value as { message?: unknown; code?: unknown; error?: unknown };
  if (typeof record.message === 'string') {
    // A string code (OpenAI's `context_length_exceeded`) says more; a numeric one (vLLM's) repeats the status.
    return typeof record.code === 'string' ? `${record.code}: ${record.message}` : record.message;
  }
  return errorText(record.error) ?? JSON.stringify(value).slice(0, 300);
}

/** Why a result line failed, in the provider's words, with the HTTP status the line carried. */
export function describeBatchFailure(row: BatchResultLine): { message: string; status?: number } {
  const status = row.response?.status_code;
  const body = row.response?.body as { error?: unknown } | null | undefined;
  const text = errorText(row.error) ?? errorText(body?.error) ?? (row.response ? 'no body' : 'no response');
  const failedStatus = status !== undefined && status !== 200 ? status : undefined;
  return failedStatus === undefined
    ? { message: text }
    : { message: `HTTP ${failedStatus}: ${text}`, status: failedStatus };
}

export interface WriteBatchFileOptions {
  model: OpenAICompatibleModel;
  /** Requests exactly as the ModelClient will send them (with settings defaults such as maxTokens applied). */
  requests: GenerateRequest[];
  file: string;
  /** Requests already answered in this cache are left out. */
  cache?: RequestCache;
  /** Requests per file at most (default 50,000: the OpenAI Batch API's limit). */
  maxRequests?: number;
  /** Bytes per file at most (default 200 MB: the OpenAI Batch API's limit). */
  maxBytes?: number;
  /** Split into at least this many files of equal size, e.g. one per node running `vllm run-batch` (default 1). */
  parts?: number;
}

/** The OpenAI Batch API's limits per input file. */
export const openAIBatchLimits = { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 } as const;

export interface WriteBatchFileResult {
  written: number;
  /** Already in the cache. */
  skipped: number;
  /** Requests repeated in the input (same cache key) are written once. */
  duplicates: number;
  customIds: string[];
  /** The files written: `file` itself when one is enough, else `<name>.<i>-of-<k>.jsonl` beside it. */
  files: string[];
}

export interface BatchLimits {
  maxRequests: number;
  maxBytes: number;
  /** At least this many files, as even as the limits allow (one per node running `vllm run-batch`). */
  parts: number;
}

/**
 * Decides file by file where each line goes, for `total` lines in order: a new file starts when the current one holds
 * its share (total ÷ parts, at most maxRequests) or the next line would pass maxBytes. Used on an array and on a stream.
 */
export function createBatchSplitter(total: number, limits: BatchLimits): (bytes: number) => boolean {
  const target = Math.min(limits.maxRequests, Math.ceil(total / Math.max(1, limits.parts)));
  let count = 0;
  let size = 0;
  return (bytes) => {
    if (bytes > limits.maxBytes) {
      throw new DataError(`one batch request is ${bytes} bytes, more than the ${limits.maxBytes} allowed per file`, {
        hint: 'raise the byte limit, or shorten the request (a spec rendering that large will not fit a context either)',
      });
    }
    const startsNew = count > 0 && (count >= target || size + bytes > limits.maxBytes);
    if (startsNew) {
      count = 0;
      size = 0;
    }
    count += 1;
    size += bytes;
    return startsNew;
  };
}

/** Splits serialised lines into groups within the limits, at least `parts` of them, as even as the limits allow. */
export function splitBatchLines(lines: readonly string[], limits: BatchLimits): string[][] {
  const startsNew = createBatchSplitter(lines.length, limits);
  const groups: string[][] = [[]];
  for (const line of lines) {
    if (startsNew(Buffer.byteLength(line) + 1)) groups.push([]);
    groups.at(-1)!.push(line);
  }
  return groups;
}

export function partFile(file: string, index: number, count: number): string {
  if (count === 1) return file;
  const extension = path.extname(file);
  return `${file.slice(0, file.length - extension.length)}.${index + 1}-of-${count}${extension || '.jsonl'}`;
}

/** Writes the pending requests as batch JSONL (atomically); `stream` is never set (batch runners reject it). */
export function writeBatchFile(options: WriteBatchFileOptions): WriteBatchFileResult {
  const lines: BatchRequestLine[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  let duplicates = 0;
  for (const request of options.requests) {
    const { signal: _signal, ...plain } = request;
    const key = requestCacheKey(options.model.cacheIdentity, plain);
    if (seen.has(key)) {
      duplicates += 1;
      continue;
    }
    seen.add(key);
    if (options.cache?.get(key)) {
      skipped += 1;
      continue;
    }
    lines.push({
      custom_id: batchCustomId(key),
      method: 'POST',
      url: '/v1/chat/completions',
      body: options.model.buildRequestBody(plain, { stream: false }),
    });
  }
  const groups = splitBatchLines(
    lines.map((line) => JSON.stringify(line)),
    {
      maxRequests: options.maxRequests ?? openAIBatchLimits.maxRequests,
      maxBytes: options.maxBytes ?? openAIBatchLimits.maxBytes,
      parts: options.parts ?? 1,
    },
  );
  const files = groups.map((group, index) => {
    const file = partFile(options.file, index, groups.length);
    writeFileAtomic(file, group.map((line) => `${line}\n`).join(''));
    return file;
  });
  return { written: lines.length, skipped, duplicates, customIds: lines.map((line) => line.custom_id), files };
}

export interface ReadBatchResultsOptions {
  model: OpenAICompatibleModel;
  file: string;
  cache: RequestCache;
}

export interface ReadBatchResultsResult {
  stored: number;
  /** Lines with an error or a non-200 status: those requests run live next time. */
  failed: Array<{ customId: string; location: string; message: string }>;
  /** Lines whose custom_id was not written by deliberate. */
  foreign: number;
}

/** Reads an OpenAI Batch / `vllm run-batch` output file into the request cache, joining on custom_id. */
export function readBatchResults(options: ReadBatchResultsOptions): ReadBatchResultsResult {
  let text: string;
  try {
    text = readFileSync(options.file, 'utf8');
  } catch (error) {
    throw new DataError(`cannot read batch result file: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      location: options.file,
      hint: 'pass the output file of the batch job (OpenAI Batch output or vllm run-batch -o)',
    });
  }
  const result: ReadBatchResultsResult = { stored: 0, failed: [], foreign: 0 };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    const location = `${options.file}:${index + 1}`;
    const row = parseJsonlLine(line, BatchResultLine, location);
    const key = batchCacheKey(row.custom_id);
    if (key === undefined) {
      result.foreign += 1;
      continue;
    }
    if (row.error || !row.response || row.response.status_code !== 200) {
      result.failed.push({ customId: row.custom_id, location, message: describeBatchFailure(row).message });
      continue;
    }
    try {
      const parsed = options.model.parseCompletionBody(row.response.body, 0);
      options.cache.set(key, { modelId: options.model.id, result: parsed });
      result.stored += 1;
    } catch (error) {
      result.failed.push({ customId: row.custom_id, location, message: (error as Error).message });
    }
  }
  return result;
}
