import { z } from 'zod';

/**
 * How a model call ended when it did not simply succeed. Every caller counts these and reports them; none is silent.
 * - provider-refusal: HTTP 200 with `refusal`, finish_reason content_filter, or a 400 naming a content policy (never retried as transient)
 * - no-answer: an empty answer: a reasoning model spent its whole budget reasoning (finish_reason length), or the
 *   reply was empty with no reasoning (never graded as an answer)
 * - answer-in-reasoning: the answer arrived in the reasoning field (detected and recorded; the result is attached)
 * - schema-failure: structured output did not validate, even after one repair attempt
 * - transport-failure: timeouts, resets, 5xx/429 after the retry cap, malformed bodies, auth and unknown-model errors
 * - cancelled: the AbortSignal fired before the call finished
 */
export const FailureKind = z.enum([
  'provider-refusal',
  'no-answer',
  'answer-in-reasoning',
  'schema-failure',
  'transport-failure',
  'cancelled',
]);
export type FailureKind = z.infer<typeof FailureKind>;
