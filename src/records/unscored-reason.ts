import { z } from 'zod';

/**
 * Why a grader or the judge gave no score (the row is kept, counted and excluded from metrics; never a 0 or a 1).
 * An unreachable grader is not a reason: that is an outage, which stops the run (grading/create-grader-client.ts).
 * - parse-failure: the grader's output could not be read as a verdict, class or score (schema-failure included)
 * - truncated: the grader used its whole token budget before writing its verdict
 * - unknown-rule-id: the judge cited an id the spec does not define
 * - refused-to-judge: the grader model refused (a provider refusal, or a refusal written instead of a verdict)
 * - no-answer: the grader model wrote nothing
 * - undetermined: an offline grader's rules could not decide (e.g. a weak refusal signal and nothing else)
 * - judge-error: the judge made fewer scored runs than asked for without an early exit
 * - no-answer-found: answer match read no final answer in the response (counted apart: `unparsed_rate`)
 * - no-reference: answer match found no usable reference answer on the item
 * - missing-rule-verdict: the per-rule judge left out a rule it was asked to judge (no rule is guessed)
 * - extra-rule-verdict: the per-rule judge judged a rule it was not asked about, or one rule twice
 */
export const UnscoredReason = z.enum([
  'parse-failure',
  'truncated',
  'unknown-rule-id',
  'refused-to-judge',
  'no-answer',
  'undetermined',
  'judge-error',
  'no-answer-found',
  'no-reference',
  'missing-rule-verdict',
  'extra-rule-verdict',
]);
export type UnscoredReason = z.infer<typeof UnscoredReason>;
