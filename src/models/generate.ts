/**
 * @module models/generate
 * The only caller of `ChatModel.doGenerate`. Owns the per-request timeout, retries (exponential backoff with jitter,
 * `Retry-After`), the per-model limiter, cancellation, the request cache, the call log, outcome classification and
 * structured-output validation with one repair attempt.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { CancelledError, DeliberateError } from '../errors.js';
import { type JsonlAppender, openJsonlAppender } from '../io/jsonl.js';
import type { Message } from '../records/message.js';
import type { ModelPrice } from '../records/model-settings.js';
import { addUsage, emptyUsage, type Usage } from '../records/usage.js';
import type { ChatModel, GenerateRequest, GenerateResult } from './chat-model.js';
import { estimateCost } from './estimate-cost.js';
import { ModelCallError } from './model-call-error.js';
import type { ModelClient, ModelClientStats } from './model-client.js';
import type { FailureKind, GenerateFailure, GenerateOutcome } from './outcome.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import { type RequestCache, requestCacheKey } from './request-cache.js';
import { sleep } from './sleep.js';
import { parseJsonAnswer } from './structured-output.js';

export interface RetryEvent {
  modelId: string;
  attempt: number;
  waitMs: number;
  reason: string;
  status?: number;
}

export interface GenerateOptions {
  /** Stops new work (queued requests, backoff waits); in-flight requests finish unless `abortInFlight`. */
  signal?: AbortSignal;
  /** Abort in-flight requests too when `signal` fires (default false: let them finish, their results are kept). */
  abortInFlight?: boolean;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  concurrency?: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  /** Request defaults (a request's own values win). */
  defaults?: Pick<GenerateRequest, 'maxTokens' | 'temperature' | 'topP'>;
  /** On `no-answer`, retry once with this larger max_tokens. */
  noAnswerRetryMaxTokens?: number;
  cache?: RequestCache;
  /** Do not read the cache (fresh results are still written to it). */
  noCache?: boolean;
  /** Appends one JSON line per call: time, model, outcome, attempts, latency, usage, cached. Never keys. */
  callLogFile?: string;
  /** Also log messages and answers in the call log (off by default). */
  logMessages?: boolean;
  price?: ModelPrice;
  onRetry?: (event: RetryEvent) => void;
  /** Share one limiter between clients of the same endpoint (createRoleClients does this for roles on one model). */
  limiter?: RateLimiter;
}

/** What one generate/generateObject call used: `usage` of fresh requests (billed), `resultsUsage` of every result. */
type Spent = { usage: Usage; resultsUsage: Usage };

type Attempted = { ok: true; result: GenerateResult; attempts: number } | (GenerateFailure & { ok: false });

function failure(kind: FailureKind, message: string, extra: Partial<GenerateFailure> = {}): GenerateFailure {
  return { ok: false, kind, message, attempts: 0, cached: false, ...extra };
}

/** Classifies a completed result: provider refusal, no answer, answer in reasoning, or null for success. */
export function classifyResult(result: GenerateResult): { kind: FailureKind; message: string } | null {
  if (result.refusal !== undefined || result.finishReason === 'content-filter') {
    return {
      kind: 'provider-refusal',
      message: result.refusal ? `provider refusal: ${result.refusal}` : 'provider content filter',
    };
  }
  if (result.answer.trim() === '' && result.finishReason === 'length') {
    return { kind: 'no-answer', message: 'the token budget ran out before an answer (finish_reason length)' };
  }
  if (result.answer.trim() === '' && result.reasoning && result.reasoning.trim() !== '') {
    return { kind: 'answer-in-reasoning', message: 'the answer arrived in the reasoning field; the answer is empty' };
  }
  if (result.answer.trim() === '') {
    // An empty answer is never an answer: graded as one, it reads as a refusal or a pass.
    return { kind: 'no-answer', message: `the model returned an empty answer (finish_reason ${result.finishReason})` };
  }
  return null;
}

function estimateTokens(request: GenerateRequest): number {
  const characters = request.messages.reduce((sum, message) => sum + message.content.length, 0);
  return Math.ceil(characters / 4) + (request.maxTokens ?? 1024);
}

function backoffDelay(attempt: number, base: number, maximum: number): number {
  const exponential = Math.min(maximum, base * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

function emptyStats(): ModelClientStats {
  return {
    calls: 0,
    requests: 0,
    cacheHits: 0,
    retries: 0,
    outcomes: {
      success: 0,
      'provider-refusal': 0,
      'no-answer': 0,
      'answer-in-reasoning': 0,
      'schema-failure': 0,
      'transport-failure': 0,
      cancelled: 0,
    },
    usage: { ...emptyUsage },
    cost: null,
  };
}

/** Binds a model to its wrapper: limiter, retries, cache and call log, shared by every call through the client. */
export function createModelClient(model: ChatModel, options: GenerateOptions = {}): ModelClient {
  const limiter: RateLimiter =
    options.limiter ??
    createRateLimiter({
      concurrency: options.concurrency ?? 8,
      requestsPerMinute: options.requestsPerMinute,
      tokensPerMinute: options.tokensPerMinute,
    });
  const maxRetries = options.maxRetries ?? 5;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const baseDelay = options.retryBaseDelayMs ?? 1_000;
  const maxDelay = options.retryMaxDelayMs ?? 120_000;
  const stats = emptyStats();
  let callLog: JsonlAppender | undefined;

  /** Records one finished call: counts, and the call log line. `usage` is what this call's fresh requests used. */
  function log(request: GenerateRequest, outcome: GenerateOutcome<unknown>, latencyMs: number, usage: Usage) {
    stats.calls += 1;
    stats.outcomes[outcome.ok ? 'success' : outcome.kind] += 1;
    stats.usage = addUsage(stats.usage, usage);
    if (options.price) stats.cost = estimateCost(stats.usage, options.price);
    if (!options.callLogFile) return;
    if (!callLog) {
      mkdirSync(path.dirname(path.resolve(options.callLogFile)), { recursive: true });
      callLog = openJsonlAppender(options.callLogFile);
    }
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      modelId: model.id,
      outcome: outcome.ok ? 'success' : outcome.kind,
      attempts: outcome.attempts,
      latencyMs,
      usage,
      cached: outcome.cached,
      sampleIndex: request.sampleIndex ?? 0,
    };
    if (!outcome.ok) {
      entry.message = outcome.message;
      if (outcome.status !== undefined) entry.status = outcome.status;
    }
    if (options.price) entry.cost = estimateCost(usage, options.price);
    if (options.logMessages) {
      entry.messages = request.messages;
      const result = outcome.ok ? outcome.result : outcome.result;
      if (result) entry.answer = { reasoning: result.reasoning, answer: result.answer };
    }
    callLog.append(entry);
  }

  /** Ends one generate/generateObject call: the summed usage goes on the outcome, then the call is counted and logged. */
  function endCall<T>(request: GenerateRequest, outcome: GenerateOutcome<T>, started: number, spent: Spent) {
    const finished: GenerateOutcome<T> = { ...outcome, usage: spent.resultsUsage };
    log(request, finished, Date.now() - started, spent.usage);
    return finished;
  }

  /** One backend request, once a limiter slot is free: the timeout starts here, not while queued. */
  async function sendOnce(request: GenerateRequest, signal: AbortSignal | undefined): Promise<GenerateResult> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new ModelCallError(`no complete response within ${timeoutMs} ms`, { failure: 'timeout' })),
      timeoutMs,
    );
    const onUserAbort = () => controller.abort(new ModelCallError('cancelled', { failure: 'cancelled' }));
    if (options.abortInFlight) signal?.addEventListener('abort', onUserAbort, { once: true });
    stats.requests += 1;
    try {
      return await model.doGenerate({ ...request, signal: controller.signal });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onUserAbort);
    }
  }

  /** One request with retries; returns the completed result or a typed failure. */
  async function attemptWithRetries(request: GenerateRequest, signal: AbortSignal | undefined): Promise<Attempted> {
    let attempts = 0;
    // Once a streamed delta reached the caller, a retry would send the text twice: the first failure is final.
    let delivered = false;
    const onDelta = request.onDelta;
    if (onDelta) {
      request = {
        ...request,
        onDelta: (delta) => {
          delivered = true;
          onDelta(delta);
        },
      };
    }
    for (;;) {
      if (signal?.aborted) return { ...failure('cancelled', 'cancelled before the request started'), attempts };
      attempts += 1;
      let error: unknown;
      try {
        const result = await limiter.run(() => sendOnce(request, signal), {
          estimatedTokens: estimateTokens(request),
          signal,
          actualTokens: (value) => value.usage.promptTokens + value.usage.completionTokens,
        });
        return { ok: true, result, attempts };
      } catch (caught) {
        error = caught;
      }
      if (error instanceof CancelledError || (signal?.aborted && !(error instanceof ModelCallError))) {
        return { ...failure('cancelled', 'cancelled while waiting for a slot'), attempts: attempts - 1 };
      }
      if (!(error instanceof ModelCallError)) {
        const message = DeliberateError.isInstance(error) ? error.format() : (error as Error).message;
        return { ...failure('transport-failure', message), attempts };
      }
      if (error.failure === 'cancelled') return { ...failure('cancelled', 'cancelled in flight'), attempts };
      if (error.failure === 'refusal') {
        return { ...failure('provider-refusal', error.message, { status: error.status }), attempts };
      }
      if (!error.retryable || attempts > maxRetries || delivered) {
        const hint = error.hint ? ` (${error.hint})` : '';
        const tried = attempts > 1 ? ` after ${attempts} attempts` : '';
        return {
          ...failure('transport-failure', `${error.message}${tried}${hint}`, {
            status: error.status,
            hint: error.hint,
            transport: error.failure,
          }),
          attempts,
        };
      }
      const waitMs =
        error.retryAfterMs !== undefined
          ? Math.min(error.retryAfterMs, maxDelay)
          : backoffDelay(attempts, baseDelay, maxDelay);
      stats.retries += 1;
      options.onRetry?.({ modelId: model.id, attempt: attempts, waitMs, reason: error.message, status: error.status });
      try {
        await sleep(waitMs, signal);
      } catch {
        return { ...failure('cancelled', 'cancelled while waiting to retry'), attempts };
      }
    }
  }

  /** A request answered from the cache or the backend, classified. */
  async function generateOnce(request: GenerateRequest, spent: Spent): Promise<GenerateOutcome> {
    const signal = request.signal ?? options.signal;
    const { signal: _omit, ...plain } = request;
    // A streamed request is never answered from (or stored in) the cache: its caller wants the deltas live.
    const key = options.cache && !plain.onDelta ? requestCacheKey(model.cacheIdentity, plain) : undefined;
    let result: GenerateResult | undefined;
    let cached = false;
    let attempts = 0;
    if (options.cache && key && !options.noCache) {
      result = options.cache.get(key);
      cached = result !== undefined;
      if (cached) stats.cacheHits += 1;
    }
    if (!result) {
      const attempted = await attemptWithRetries(plain, signal);
      if (!attempted.ok) return attempted;
      result = attempted.result;
      attempts = attempted.attempts;
      spent.usage = addUsage(spent.usage, result.usage);
      if (options.cache && key) options.cache.set(key, { modelId: model.id, result });
    }
    spent.resultsUsage = addUsage(spent.resultsUsage, result.usage);
    const classified = classifyResult(result);
    if (classified) return { ok: false, ...classified, result, attempts, cached };
    return { ok: true, result, object: undefined, cached, attempts };
  }

  async function generateWithDefaults(request: GenerateRequest, spent: Spent): Promise<GenerateOutcome> {
    const full: GenerateRequest = {
      ...request,
      maxTokens: request.maxTokens ?? options.defaults?.maxTokens,
      temperature: request.temperature ?? options.defaults?.temperature,
      topP: request.topP ?? options.defaults?.topP,
    };
    const first = await generateOnce(full, spent);
    const larger = options.noAnswerRetryMaxTokens;
    if (
      first.ok ||
      first.kind !== 'no-answer' ||
      first.result?.finishReason !== 'length' ||
      !larger ||
      full.onDelta !== undefined ||
      (full.maxTokens !== undefined && full.maxTokens >= larger)
    ) {
      return first;
    }
    const second = await generateOnce({ ...full, maxTokens: larger }, spent);
    return { ...second, attempts: first.attempts + second.attempts };
  }

  async function generate(request: GenerateRequest): Promise<GenerateOutcome> {
    const started = Date.now();
    const spent: Spent = { usage: { ...emptyUsage }, resultsUsage: { ...emptyUsage } };
    const outcome = await generateWithDefaults(request, spent);
    return endCall(request, outcome, started, spent);
  }

  async function generateObject<S extends z.ZodType>(
    request: Omit<GenerateRequest, 'responseSchema'>,
    schema: S,
    name: string,
  ): Promise<GenerateOutcome<z.infer<S>>> {
    const started = Date.now();
    const spent: Spent = { usage: { ...emptyUsage }, resultsUsage: { ...emptyUsage } };
    const withSchema: GenerateRequest = { ...request, responseSchema: { name, schema } };
    const first = await generateWithDefaults(withSchema, spent);
    if (!first.ok) return endCall(withSchema, first, started, spent);
    const parsed = parseJsonAnswer(first.result.answer, schema);
    if (parsed.ok) {
      return endCall(withSchema, { ...first, object: parsed.value }, started, spent);
    }
    // One repair: show the model its reply and the validation error, ask again.
    const repairMessages: Message[] = [
      ...request.messages,
      { role: 'assistant', content: first.result.answer },
      {
        role: 'user',
        content: `That reply does not match the required JSON schema: ${parsed.error}\nReply again with only the corrected JSON object.`,
      },
    ];
    const repairRequest: GenerateRequest = { ...withSchema, messages: repairMessages };
    const second = await generateWithDefaults(repairRequest, spent);
    const attempts = first.attempts + second.attempts;
    const cached = first.cached && second.cached;
    let outcome: GenerateOutcome<z.infer<S>>;
    if (!second.ok) outcome = { ...second, attempts, cached };
    else {
      const repaired = parseJsonAnswer(second.result.answer, schema);
      outcome = repaired.ok
        ? { ...second, object: repaired.value, attempts, cached }
        : {
            ok: false,
            kind: 'schema-failure',
            message: `the answer does not match schema "${name}" after one repair attempt: ${repaired.error}`,
            result: second.result,
            attempts,
            cached,
          };
    }
    return endCall(withSchema, outcome, started, spent);
  }

  return {
    id: model.id,
    model,
    generate,
    generateObject,
    stats: () => structuredClone(stats),
    async close() {
      callLog?.close();
      await model.close?.();
    },
  };
}

/** One call through a throwaway client (its own limiter): for scripts; stages hold a ModelClient instead. */
export async function generate(
  model: ChatModel,
  request: GenerateRequest,
  options: GenerateOptions = {},
): Promise<GenerateOutcome> {
  return createModelClient(model, options).generate(request);
}

/** Structured output through a throwaway client: JSON validated with `schema`, one repair, then schema-failure. */
export async function generateObject<S extends z.ZodType>(
  model: ChatModel,
  request: Omit<GenerateRequest, 'responseSchema'>,
  schema: S,
  name: string,
  options: GenerateOptions = {},
): Promise<GenerateOutcome<z.infer<S>>> {
  return createModelClient(model, options).generateObject(request, schema, name);
}
