import type { FailureKind } from '../records/failure-kind.js';
import type { Usage } from '../records/usage.js';
import type { GenerateResult } from './chat-model.js';
import type { ModelCallFailure } from './model-call-error.js';

export { FailureKind } from '../records/failure-kind.js';

export interface GenerateSuccess<T = undefined> {
  ok: true;
  result: GenerateResult;
  /** The validated object when the request carried a responseSchema (generateObject). */
  object: T;
  /** true when answered from the request cache (no HTTP request was made). */
  cached: boolean;
  attempts: number;
  /** Usage summed over every result this call got (a repair or a larger-budget retry adds to the first result's). */
  usage?: Usage;
}

export interface GenerateFailure {
  ok: false;
  kind: FailureKind;
  /** What went wrong, for humans; never contains an API key. */
  message: string;
  /** HTTP status, when there was one. */
  status?: number;
  /** For a transport failure: how the last attempt failed (HTTP error, timeout, network, malformed body). */
  transport?: ModelCallFailure;
  /** How to fix it, when known (already part of `message`, in parentheses). */
  hint?: string;
  /** The backend's result when there was one (e.g. answer-in-reasoning, no-answer, schema-failure keep the text). */
  result?: GenerateResult;
  attempts: number;
  cached: boolean;
  /** Usage summed over every result this call got (a repair or a larger-budget retry adds to the first result's). */
  usage?: Usage;
}

export type GenerateOutcome<T = undefined> = GenerateSuccess<T> | GenerateFailure;
