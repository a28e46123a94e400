/**
 * @module models/request-cache
 * The request cache: an identical request (backend identity, model, messages, parameters, seed, sample index,
 * response schema, extra body) is answered from SQLite (WAL), so a re-run or a resume never pays twice.
 * Only results are stored, never request headers, so an API key can never enter the file. Each result is committed when
 * it arrives, in one transaction with the others that arrived in the same turn of the event loop (io/turn-batch), and
 * the call resolves only after that commit: a request the server answered is never paid twice, even after a SIGKILL.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { DataError } from '../errors.js';
import { canonicalJson } from '../io/stable-hash.js';
import { createTurnBatch } from '../io/turn-batch.js';
import { FinishReason, ReasoningSource } from '../records/completion.js';
import { Usage } from '../records/usage.js';
import type { GenerateRequest, GenerateResult } from './chat-model.js';
import { hashMessages } from './hash-messages.js';
import { createPrefixHasher } from './prefix-hasher.js';
import { toJsonSchemaOnce } from './structured-output.js';

export interface RequestCache {
  readonly file: string;
  get(key: string): GenerateResult | undefined;
  set(key: string, entry: { modelId: string; result: GenerateResult }): void;
  /**
   * Stores a result in one transaction with the other results committed in the same turn of the event loop (a wave
   * of replies shares one commit); resolves once it is committed, rejects with the write's error.
   */
  commit(key: string, entry: { modelId: string; result: GenerateResult }): Promise<void>;
  /** How many results are stored. */
  size(): number;
  close(): void;
}

/** The canonical JSON of each response schema under each name, made once (every judge call sends the same one). */
const canonicalSchemas = new WeakMap<z.ZodType, Map<string, string>>();

function canonicalResponseSchema(responseSchema: NonNullable<GenerateRequest['responseSchema']>): string {
  let byName = canonicalSchemas.get(responseSchema.schema);
  if (!byName) {
    byName = new Map();
    canonicalSchemas.set(responseSchema.schema, byName);
  }
  let text = byName.get(responseSchema.name);
  if (text === undefined) {
    text = canonicalJson({ name: responseSchema.name, schema: toJsonSchemaOnce(responseSchema.schema) });
    byName.set(responseSchema.name, text);
  }
  return text;
}

/** The key's canonical JSON in pieces: the fields before `messages` (with `"messages":`), and those after it. */
function keyParts(cacheIdentity: string, request: GenerateRequest): { head: string; tail: string } {
  const json = (value: unknown) => (value === undefined ? undefined : canonicalJson(value));
  const field = (name: string, text: string | undefined) => (text === undefined ? '' : `,"${name}":${text}`);
  const head = `{"cacheIdentity":${json(cacheIdentity)}${field('extraBody', json(request.extraBody))}${field('maxTokens', json(request.maxTokens))}`;
  const schema = request.responseSchema ? canonicalResponseSchema(request.responseSchema) : undefined;
  const tail = `${field('responseSchema', schema)}${field('sampleIndex', json(request.sampleIndex ?? 0))}${field('seed', json(request.seed))}${field('temperature', json(request.temperature))}${field('topP', json(request.topP))},"version":1}`;
  return { head: request.messages === undefined ? head : `${head},"messages":`, tail };
}

/**
 * The cache key of a request: sha256 of the canonical JSON of { version: 1, cacheIdentity, messages, maxTokens,
 * temperature, topP, seed, sampleIndex, responseSchema, extraBody } (the signal and other runtime fields are left
 * out). Written in sorted key order straight into the hash (the messages piece by piece, see models/hash-messages),
 * the response schema's part made once.
 */
export function requestCacheKey(cacheIdentity: string, request: GenerateRequest): string {
  const { head, tail } = keyParts(cacheIdentity, request);
  const hash = createHash('sha256').update(head);
  if (request.messages !== undefined) hashMessages(hash, request.messages);
  return hash.update(tail).digest('hex');
}

/**
 * `requestCacheKey` for a stream of requests that begin alike (one model client's): the same keys, with the shared
 * beginning of the messages (the rendered spec) hashed once and resumed from (models/prefix-hasher).
 */
export function createRequestCacheKeyer(): {
  key(cacheIdentity: string, request: GenerateRequest): string;
  readonly reused: number;
} {
  const prefixes = createPrefixHasher();
  return {
    key(cacheIdentity, request) {
      if (request.messages === undefined) return requestCacheKey(cacheIdentity, request);
      const { head, tail } = keyParts(cacheIdentity, request);
      return prefixes.hash(head, request.messages).update(tail).digest('hex');
    },
    get reused() {
      return prefixes.reused;
    },
  };
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
  const row = (key: string, entry: { modelId: string; result: GenerateResult }) =>
    [key, entry.modelId, new Date().toISOString(), JSON.stringify(entry.result)] as const;
  const commits = createTurnBatch<ReturnType<typeof row>>(
    database.transaction((rows: Array<ReturnType<typeof row>>) => {
      for (const values of rows) insert.run(...values);
    }),
  );
  let open = true;
  return {
    file,
    get(key) {
      const text = select.get(key)?.result;
      if (text === undefined) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(text);
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
      insert.run(...row(key, entry));
    },
    commit(key, entry) {
      return commits.add(row(key, entry));
    },
    size() {
      return count.get()!.n;
    },
    close() {
      if (!open) return;
      open = false;
      commits.flush();
      database.close();
    },
  };
}
