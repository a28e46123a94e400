/**
 * @module models/generate
 * The only caller of `ChatModel.doGenerate`. Owns the per-request timeout, retries (exponential backoff with jitter,
 * `Retry-After`), the per-model limiter, cancellation, the request cache, the call log, outcome classification and
 * structured-output validation with one repair attempt.
 */
import type { z } from 'zod';
import type { Message } from '../records/message.js';
import type { ModelPrice } from '../records/model-settings.js';
import { addUsage, emptyUsage, type Usage } from '../records/usage.js';
import { createCallLog } from './call-log.js';
import type { ChatModel, GenerateRequest, GenerateResult } from './chat-model.js';
import type { ModelClient, ModelClientStats } from './model-client.js';
import type { FailureKind, GenerateOutcome } from './outcome.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import { createRequestCacheKeyer, type RequestCache } from './request-cache.js';
import { createRetryingSender, type RetryEvent } from './send-with-retries.js';
import { parseJsonAnswer } from './structured-output.js';

export type { RetryEvent } from './send-with-retries.js';

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

/** The request with the client's defaults filled in (a request's own values win). */
function withDefaults(request: GenerateRequest, defaults: GenerateOptions['defaults']): GenerateRequest {
  return {
    ...request,
    maxTokens: request.maxTokens ?? defaults?.maxTokens,
    temperature: request.temperature ?? defaults?.temperature,
    topP: request.topP ?? defaults?.topP,
  };
}

/** A no-answer that ran out of tokens is asked once more with `larger` max_tokens (never a streamed request). */
function wantsLargerBudget(first: GenerateOutcome, request: GenerateRequest, larger: number | undefined): boolean {
  if (first.ok || first.kind !== 'no-answer' || first.result?.finishReason !== 'length' || !larger) return false;
  return request.onDelta === undefined && (request.maxTokens === undefined || request.maxTokens < larger);
}

/** The one repair of a reply that does not match the schema: the model sees its reply and the validation error. */
function repairRequest(request: GenerateRequest, answer: string, error: string): GenerateRequest {
  const messages: Message[] = [
    ...request.messages,
    { role: 'assistant', content: answer },
    {
      role: 'user',
      content: `That reply does not match the required JSON schema: ${error}\nReply again with only the corrected JSON object.`,
    },
  ];
  return { ...request, messages };
}

/** The outcome after the repair: its object, or a schema-failure; attempts and `cached` cover both calls. */
function repairedOutcome<S extends z.ZodType>(
  first: GenerateOutcome,
  second: GenerateOutcome,
  schema: S,
  name: string,
): GenerateOutcome<z.infer<S>> {
  const attempts = first.attempts + second.attempts;
  const cached = first.cached && second.cached;
  if (!second.ok) return { ...second, attempts, cached };
  const repaired = parseJsonAnswer(second.result.answer, schema);
  if (repaired.ok) return { ...second, object: repaired.value, attempts, cached };
  return {
    ok: false,
    kind: 'schema-failure',
    message: `the answer does not match schema "${name}" after one repair attempt: ${repaired.error}`,
    result: second.result,
    attempts,
    cached,
  };
}

/**
 * A request answered from the request cache or sent (a fresh result is stored), then classified. A streamed request
 * is never answered from (or stored in) the cache: its caller wants the deltas live.
 */
function createCachedSender(
  model: ChatModel,
  options: GenerateOptions,
  context: { send: ReturnType<typeof createRetryingSender>; stats: ModelClientStats },
) {
  const { cache } = options;
  const keyer = createRequestCacheKeyer();
  return async function generateOnce(request: GenerateRequest, spent: Spent): Promise<GenerateOutcome> {
    const signal = request.signal ?? options.signal;
    const { signal: _omit, ...plain } = request;
    const key = cache && !plain.onDelta ? keyer.key(model.cacheIdentity, plain) : undefined;
    let result = key && !options.noCache ? cache?.get(key) : undefined;
    const cached = result !== undefined;
    let attempts = 0;
    if (cached) context.stats.cacheHits += 1;
    if (!result) {
      const attempted = await context.send(plain, signal);
      if (!attempted.ok) return attempted;
      ({ result, attempts } = attempted);
      spent.usage = addUsage(spent.usage, result.usage);
      if (key) await cache?.commit(key, { modelId: model.id, result });
    }
    spent.resultsUsage = addUsage(spent.resultsUsage, result.usage);
    const classified = classifyResult(result);
    if (classified) return { ok: false, ...classified, result, attempts, cached };
    return { ok: true, result, object: undefined, cached, attempts };
  };
}

function retryingSender(model: ChatModel, options: GenerateOptions, stats: ModelClientStats) {
  const limiter: RateLimiter =
    options.limiter ??
    createRateLimiter({
      concurrency: options.concurrency ?? 8,
      requestsPerMinute: options.requestsPerMinute,
      tokensPerMinute: options.tokensPerMinute,
    });
  const policy = {
    timeoutMs: options.timeoutMs ?? 600_000,
    maxRetries: options.maxRetries ?? 5,
    baseDelayMs: options.retryBaseDelayMs ?? 1_000,
    maxDelayMs: options.retryMaxDelayMs ?? 120_000,
    abortInFlight: options.abortInFlight,
    onRetry: options.onRetry,
  };
  return createRetryingSender(model, { limiter, stats, policy });
}

/** Binds a model to its wrapper: limiter, retries, cache and call log, shared by every call through the client. */
export function createModelClient(model: ChatModel, options: GenerateOptions = {}): ModelClient {
  const calls = createCallLog({ modelId: model.id, ...options });
  const stats = calls.stats;
  const generateOnce = createCachedSender(model, options, { send: retryingSender(model, options, stats), stats });
  const newSpent = (): Spent => ({ usage: { ...emptyUsage }, resultsUsage: { ...emptyUsage } });

  /** Ends one generate/generateObject call: the summed usage goes on the outcome, then the call is counted and logged. */
  function endCall<T>(request: GenerateRequest, outcome: GenerateOutcome<T>, started: number, spent: Spent) {
    const finished: GenerateOutcome<T> = { ...outcome, usage: spent.resultsUsage };
    calls.record(request, finished, Date.now() - started, spent.usage);
    return finished;
  }

  async function generateWithDefaults(request: GenerateRequest, spent: Spent): Promise<GenerateOutcome> {
    const full = withDefaults(request, options.defaults);
    const first = await generateOnce(full, spent);
    const larger = options.noAnswerRetryMaxTokens;
    if (!wantsLargerBudget(first, full, larger)) return first;
    const second = await generateOnce({ ...full, maxTokens: larger }, spent);
    return { ...second, attempts: first.attempts + second.attempts };
  }

  async function generate(request: GenerateRequest): Promise<GenerateOutcome> {
    const started = Date.now();
    const spent = newSpent();
    return endCall(request, await generateWithDefaults(request, spent), started, spent);
  }

  async function generateObject<S extends z.ZodType>(
    request: Omit<GenerateRequest, 'responseSchema'>,
    schema: S,
    name: string,
  ): Promise<GenerateOutcome<z.infer<S>>> {
    const started = Date.now();
    const spent = newSpent();
    const withSchema: GenerateRequest = { ...request, responseSchema: { name, schema } };
    const first = await generateWithDefaults(withSchema, spent);
    if (!first.ok) return endCall(withSchema, first, started, spent);
    const parsed = parseJsonAnswer(first.result.answer, schema);
    if (parsed.ok) return endCall(withSchema, { ...first, object: parsed.value }, started, spent);
    const second = await generateWithDefaults(repairRequest(withSchema, first.result.answer, parsed.error), spent);
    return endCall(withSchema, repairedOutcome(first, second, schema, name), started, spent);
  }

  return {
    id: model.id,
    model,
    generate,
    generateObject,
    stats: () => structuredClone(stats),
    async close() {
      calls.close();
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
