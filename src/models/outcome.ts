import type { GenerateResult } from './chat-model.js';

/**
 * How a call ended when it did not simply succeed. Every caller counts these and reports them; none is silent.
 * - provider-refusal: HTTP 200 with `refusal`, finish_reason content_filter, or a 400 naming a content policy (never retried as transient)
 * - no-answer: a reasoning model spent its whole budget reasoning (finish_reason length, empty answer)
 * - answer-in-reasoning: the answer arrived in the reasoning field (detected and recorded; the result is attached)
 * - schema-failure: structured output did not validate, even after one repair attempt
 * - transport-failure: timeouts, resets, 5xx/429 after the retry cap, malformed bodies, auth and unknown-model errors
 * - cancelled: the AbortSignal fired before the call finished
 */
export type FailureKind =
  | 'provider-refusal'
  | 'no-answer'
  | 'answer-in-reasoning'
  | 'schema-failure'
  | 'transport-failure'
  | 'cancelled';

export const failureKinds: readonly FailureKind[] = [
  'provider-refusal',
  'no-answer',
  'answer-in-reasoning',
  'schema-failure',
  'transport-failure',
  'cancelled',
];

export interface GenerateSuccess<T = undefined> {
  ok: true;
  result: GenerateResult;
  /** The validated object when the request carried a responseSchema (generateObject). */
  object: T;
  /** true when answered from the request cache (no HTTP request was made). */
  cached: boolean;
  attempts: number;
}

export interface GenerateFailure {
  ok: false;
  kind: FailureKind;
  /** What went wrong, for humans; never contains an API key. */
  message: string;
  /** HTTP status, when there was one. */
  status?: number;
  /** How to fix it, when known (already part of `message`, in parentheses). */
  hint?: string;
  /** The backend's result when there was one (e.g. answer-in-reasoning, no-answer, schema-failure keep the text). */
  result?: GenerateResult;
  attempts: number;
  cached: boolean;
}

export type GenerateOutcome<T = undefined> = GenerateSuccess<T> | GenerateFailure;
