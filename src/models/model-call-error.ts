import { BackendError, type DeliberateErrorOptions } from '../errors.js';

/** Why one HTTP attempt failed; `generate()` decides from it whether to retry and which outcome to report. */
export type ModelCallFailure = 'http' | 'timeout' | 'network' | 'malformed' | 'refusal' | 'cancelled';

export interface ModelCallErrorOptions extends DeliberateErrorOptions {
  failure: ModelCallFailure;
  status?: number;
  /** From `Retry-After` / `retry-after-ms`. */
  retryAfterMs?: number;
  /** The response body (never request headers, so never an API key). */
  body?: string;
}

/** One failed attempt of a backend call. Thrown by backends, caught by `generate()`. */
export class ModelCallError extends BackendError {
  readonly failure: ModelCallFailure;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly body: string | undefined;

  constructor(message: string, options: ModelCallErrorOptions) {
    super(message, options);
    this.name = 'ModelCallError';
    this.failure = options.failure;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.body = options.body;
  }

  /** Transient: 429, 5xx, 408, timeouts, resets and malformed bodies. Never refusals, auth or unknown-model errors. */
  get retryable(): boolean {
    if (this.failure === 'timeout' || this.failure === 'network' || this.failure === 'malformed') return true;
    if (this.failure !== 'http' || this.status === undefined) return false;
    return this.status === 429 || this.status === 408 || this.status === 409 || this.status >= 500;
  }
}

/** Parses `retry-after-ms` (OpenAI) or `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(
  headers: { header(name: string): string | null },
  now = Date.now(),
): number | undefined {
  const milliseconds = headers.header('retry-after-ms');
  if (milliseconds !== null && Number.isFinite(Number(milliseconds))) return Math.max(0, Number(milliseconds));
  const value = headers.header('retry-after');
  if (value === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const contentPolicyPattern = /content[ _-]?(policy|filter|management|risk)|safety (system|policy)|flagged|sensitive/i;

/** A 400 whose body names a content policy is a provider refusal, not a bad request. */
export function namesContentPolicy(body: string): boolean {
  return contentPolicyPattern.test(body);
}
