/**
 * @module models/defer-to-batch
 * A backend that sends nothing (`--via batch`): each request the request cache could not answer is appended to a
 * spool of batch lines (exactly the body the live backend would send, without `stream`; custom_id from the cache key)
 * and the call ends `cancelled`, so the stage leaves its unit for the next run, as for a unit not started. A request
 * whose batch result line failed ends as that line's typed failure, with the provider's message.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type JsonlAppender, openJsonlAppender } from '../io/jsonl.js';
import { type BatchRequestLine, batchCustomId } from './batch-file.js';
import type { ChatModel, GenerateRequest, GenerateResult } from './chat-model.js';
import { ModelCallError, namesContentPolicy } from './model-call-error.js';
import type { OpenAICompatibleModel } from './openai-compatible-model.js';
import { requestCacheKey } from './request-cache.js';

/** A result line that came back failed: where it is, the provider's message and the HTTP status it carried. */
export interface BatchLineFailure {
  location: string;
  message: string;
  status?: number;
}

/** A failed line is final for this run (the next batch round or live run sends the request again): no retries. */
class BatchLineError extends ModelCallError {
  override get retryable(): boolean {
    return false;
  }
}

export interface DeferToBatchOptions {
  role: string;
  /** Where the pending lines go (one JSON line each, in the order the stages asked). */
  spoolFile: string;
  /** Failed result lines of the batch just read, by request cache key. */
  failures?: ReadonlyMap<string, BatchLineFailure>;
}

export interface DeferredModel {
  /** The backend to build the role's client on: same id and cache identity as the live one. */
  model: OpenAICompatibleModel;
  role: string;
  spoolFile: string;
  /** Distinct requests spooled so far. */
  pending(): number;
  /** Closes the spool (the lines are all on disk once this returns). */
  closeSpool(): void;
}

function failureError(failure: BatchLineFailure): ModelCallError {
  const message = `batch result ${failure.location}: ${failure.message}`;
  const refused = failure.status === 400 && namesContentPolicy(failure.message);
  return new BatchLineError(refused ? `provider refused the request (${message})` : message, {
    failure: refused ? 'refusal' : 'http',
    status: failure.status,
    body: failure.message,
  });
}

/** Wraps an openai-compatible backend so that its requests go to a batch spool instead of the network. */
export function deferToBatch(model: OpenAICompatibleModel, options: DeferToBatchOptions): DeferredModel {
  const seen = new Set<string>();
  let spool: JsonlAppender | undefined;
  rmSync(options.spoolFile, { force: true });
  async function doGenerate(request: GenerateRequest): Promise<GenerateResult> {
    const { signal: _signal, onDelta, ...plain } = request;
    if (onDelta) {
      throw new BatchLineError('a streamed request cannot go through a batch file', { failure: 'http' });
    }
    const key = requestCacheKey(model.cacheIdentity, plain);
    const failure = options.failures?.get(key);
    if (failure) throw failureError(failure);
    if (!seen.has(key)) {
      seen.add(key);
      if (!spool) {
        mkdirSync(path.dirname(options.spoolFile), { recursive: true });
        spool = openJsonlAppender(options.spoolFile);
      }
      const line: BatchRequestLine = {
        custom_id: batchCustomId(key),
        method: 'POST',
        url: '/v1/chat/completions',
        body: model.buildRequestBody(plain, { stream: false }),
      };
      spool.append(line);
    }
    throw new ModelCallError(`deferred to a batch file (${options.role})`, { failure: 'cancelled' });
  }
  return {
    model: { ...model, doGenerate } as OpenAICompatibleModel,
    role: options.role,
    spoolFile: options.spoolFile,
    pending: () => seen.size,
    closeSpool() {
      spool?.close();
      spool = undefined;
    },
  };
}

/** The backend behind a ChatModel when it can write batch files (the openai-compatible one), else undefined. */
export function asOpenAICompatible(model: ChatModel): OpenAICompatibleModel | undefined {
  const candidate = model as Partial<OpenAICompatibleModel>;
  return typeof candidate.buildRequestBody === 'function' && typeof candidate.parseCompletionBody === 'function'
    ? (model as OpenAICompatibleModel)
    : undefined;
}
