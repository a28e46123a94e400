/**
 * @module models/send-with-retries
 * One request to a backend as `generate()` sends it: through the limiter (a slot, tokens per minute), with the
 * per-request timeout started when the slot frees, retried on transient failures (exponential backoff with jitter,
 * or Retry-After), cancellable at every wait; the result, or a typed failure saying why and after how many attempts.
 */
import { CancelledError, DeliberateError } from '../errors.js';
import type { ChatModel, GenerateRequest, GenerateResult } from './chat-model.js';
import { ModelCallError } from './model-call-error.js';
import type { ModelClientStats } from './model-client.js';
import type { FailureKind, GenerateFailure } from './outcome.js';
import type { RateLimiter } from './rate-limiter.js';
import { sleep } from './sleep.js';

export interface RetryEvent {
  modelId: string;
  attempt: number;
  waitMs: number;
  reason: string;
  status?: number;
}

export interface RetryPolicy {
  timeoutMs: number;
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Abort in-flight requests when the caller's signal fires (else they finish and their results are kept). */
  abortInFlight?: boolean;
  onRetry?: (event: RetryEvent) => void;
}

export type Attempted = { ok: true; result: GenerateResult; attempts: number } | (GenerateFailure & { ok: false });

export function failure(kind: FailureKind, message: string, extra: Partial<GenerateFailure> = {}): GenerateFailure {
  return { ok: false, kind, message, attempts: 0, cached: false, ...extra };
}

function estimateTokens(request: GenerateRequest): number {
  const characters = request.messages.reduce((sum, message) => sum + message.content.length, 0);
  return Math.ceil(characters / 4) + (request.maxTokens ?? 1024);
}

function backoffDelay(attempt: number, base: number, maximum: number): number {
  const exponential = Math.min(maximum, base * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

/** A thrown error that ends the attempts → its typed failure; undefined when it is worth another attempt. */
function finalFailure(
  error: unknown,
  context: { attempts: number; maxRetries: number; delivered: boolean; signal: AbortSignal | undefined },
): Attempted | undefined {
  const { attempts } = context;
  if (error instanceof CancelledError || (context.signal?.aborted && !(error instanceof ModelCallError))) {
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
  if (error.retryable && attempts <= context.maxRetries && !context.delivered) return undefined;
  const hint = error.hint ? ` (${error.hint})` : '';
  const tried = attempts > 1 ? ` after ${attempts} attempts` : '';
  const extra = { status: error.status, hint: error.hint, transport: error.failure };
  return { ...failure('transport-failure', `${error.message}${tried}${hint}`, extra), attempts };
}

/** Sends requests to `model` through `limiter` with the retry policy; counts requests and retries in `stats`. */
export function createRetryingSender(
  model: ChatModel,
  context: { limiter: RateLimiter; policy: RetryPolicy; stats: ModelClientStats },
) {
  const { limiter, policy, stats } = context;

  /** One backend request, once a limiter slot is free: the timeout starts here, not while queued. */
  async function sendOnce(request: GenerateRequest, signal: AbortSignal | undefined): Promise<GenerateResult> {
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(
          new ModelCallError(`no complete response within ${policy.timeoutMs} ms`, { failure: 'timeout' }),
        ),
      policy.timeoutMs,
    );
    const onUserAbort = () => controller.abort(new ModelCallError('cancelled', { failure: 'cancelled' }));
    if (policy.abortInFlight) signal?.addEventListener('abort', onUserAbort, { once: true });
    stats.requests += 1;
    try {
      return await model.doGenerate({ ...request, signal: controller.signal });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onUserAbort);
    }
  }

  /** One request with retries; returns the completed result or a typed failure. */
  return async function send(request: GenerateRequest, signal: AbortSignal | undefined): Promise<Attempted> {
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
    const limits = {
      estimatedTokens: estimateTokens(request),
      signal,
      actualTokens: (value: GenerateResult) => value.usage.promptTokens + value.usage.completionTokens,
    };
    for (;;) {
      if (signal?.aborted) return { ...failure('cancelled', 'cancelled before the request started'), attempts };
      attempts += 1;
      let error: unknown;
      try {
        return { ok: true, result: await limiter.run(() => sendOnce(request, signal), limits), attempts };
      } catch (caught) {
        error = caught;
      }
      const final = finalFailure(error, { attempts, maxRetries: policy.maxRetries, delivered, signal });
      if (final) return final;
      const retried = error as ModelCallError;
      const waitMs =
        retried.retryAfterMs !== undefined
          ? Math.min(retried.retryAfterMs, policy.maxDelayMs)
          : backoffDelay(attempts, policy.baseDelayMs, policy.maxDelayMs);
      stats.retries += 1;
      policy.onRetry?.({
        modelId: model.id,
        attempt: attempts,
        waitMs,
        reason: retried.message,
        status: retried.status,
      });
      try {
        await sleep(waitMs, signal);
      } catch {
        return { ...failure('cancelled', 'cancelled while waiting to retry'), attempts };
      }
    }
  };
}
