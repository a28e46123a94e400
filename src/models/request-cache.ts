/**
 * @module models/request-cache
 * The request cache: an identical request (backend identity, model, messages, parameters, seed, sample index,
 * response schema, extra body) is answered from SQLite (WAL), so a re-run or a resume never pays twice.
 * Only results are stored, never request headers, so an API key can never enter the file.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { DataError } from '../errors.js';
import { stableHash } from '../io/stable-hash.js';
import { FinishReason, ReasoningSource } from '../records/completion.js';
import { Usage } from '../records/usage.js';
import type { GenerateRequest, GenerateResult } from './chat-model.js';
import { toJsonSchemaOnce } from './structured-output.js';

export interface RequestCache {
  readonly file: string;
  get(key: string): GenerateResult | undefined;
  set(key: string, entry: { modelId: string; result: GenerateResult }): void;
  /** How many results are stored. */
  size(): number;
  close(): void;
}

/** The cache key of a request: sha256 of its canonical JSON (the signal and other runtime fields are left out). */
export function requestCacheKey(cacheIdentity: string, request: GenerateRequest): string {
  return stableHash({
    version: 1,
    cacheIdentity,
    messages: request.messages,
    maxTokens: request.maxTokens,
    temperature: request.temperature,
    topP: request.topP,
    seed: request.seed,
    sampleIndex: request.sampleIndex ?? 0,
    responseSchema: request.responseSchema
      ? { name: request.responseSchema.name, schema: toJsonSchemaOnce(request.responseSchema.schema) }
      : undefined,
    extraBody: request.extraBody,
  });
}

/** The shape a stored result must have: a row of another shape is a damaged (or hand-edited) cache file. */
const CachedResult = z.looseObject({
  reasoning: z.string().nullable(),
  answer: z.string(),
  reasoningSource: ReasoningSource,
  finishReason: FinishReason,
  usage: Usage,
  latencyMs: z.number(),
  refusal: z.string().optional(),
  warnings: z.array(z.string()),
});

/** Opens (or creates) the cache file; several processes may share it (WAL, busy timeout). */
export function openRequestCache(file: string): RequestCache {
  let database: Database.Database;
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    database = new Database(file);
    database.pragma('journal_mode = WAL');
    // WAL + NORMAL: a commit is durable when the process is killed (not on power loss), without an fsync per call.
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    database.exec(
      'CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, model_id TEXT NOT NULL, created_at TEXT NOT NULL, result TEXT NOT NULL)',
    );
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const damaged = code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
    throw new DataError(`cannot open the request cache: ${(error as Error).message}`, {
      location: file,
      hint: damaged
        ? `the file is damaged: move it aside (mv ${file} ${file}.broken), or run with --no-cache, which does not open it`
        : "check that the config's out (or --cache) names a writable folder path, not an existing file",
    });
  }
  const broken = (key: string, problem: string) =>
    new DataError(`the request cache row ${key.slice(0, 16)}… ${problem}`, {
      location: file,
      hint: `the file was changed outside deliberate or is damaged: move it aside (mv ${file} ${file}.broken), or run with --no-cache, which does not open it`,
    });
  const select = database.prepare<[string], { result: string }>('SELECT result FROM results WHERE key = ?');
  const insert = database.prepare<[string, string, string, string]>(
    'INSERT OR REPLACE INTO results (key, model_id, created_at, result) VALUES (?, ?, ?, ?)',
  );
  const count = database.prepare<[], { n: number }>('SELECT count(*) AS n FROM results');
  let open = true;
  return {
    file,
    get(key) {
      const row = select.get(key);
      if (!row) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(row.result);
      } catch (error) {
        throw broken(key, `is not valid JSON (${(error as Error).message})`);
      }
      const checked = CachedResult.safeParse(value);
      if (!checked.success) {
        const issue = checked.error.issues[0]!;
        throw broken(key, `has the wrong shape: ${issue.path.join('.') || '(value)'}: ${issue.message}`);
      }
      return checked.data as GenerateResult;
    },
    set(key, entry) {
      insert.run(key, entry.modelId, new Date().toISOString(), JSON.stringify(entry.result));
    },
    size() {
      return count.get()!.n;
    },
    close() {
      if (open) database.close();
      open = false;
    },
  };
}
