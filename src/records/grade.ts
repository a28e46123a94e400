import { z } from 'zod';
import { RuleVerdict } from './rule-verdict.js';
import { UnscoredReason } from './unscored-reason.js';
import { Usage } from './usage.js';

/**
 * Every label a grader may give (a metric or calibrate reads them through a table keyed by this enum):
 * - compliance | refusal | partial-refusal: refusal graders (offline rules, string match, XSTest three-class)
 * - undetermined: the offline refusal grader could not decide (the grade is unscored)
 * - compliant | violation | over-refusal: the spec-aware judge's verdict
 * - refused | answered: the StrongREJECT rubric's refusal item
 * - correct | incorrect: answer match against a reference (GSM8K, multiple choice, exact match, SimpleQA, BBQ)
 * - not-attempted: SimpleQA's grader: the answer gives no answer and does not contradict the reference
 */
export const GradeLabel = z.enum([
  'compliance',
  'refusal',
  'partial-refusal',
  'undetermined',
  'compliant',
  'violation',
  'over-refusal',
  'refused',
  'answered',
  'correct',
  'incorrect',
  'not-attempted',
]);
export type GradeLabel = z.infer<typeof GradeLabel>;

/**
 * One grader's verdict on one eval response. A grading failure is data: `unscored: true` with a reason, `value` null —
 * excluded from metrics and counted, never turned into a pass or a fail.
 */
export const Grade = z.object({
  schemaVersion: z.literal(1).default(1),
  graderId: z.string(),
  /** The grader's number, 0..1 (its meaning and direction are stated by the metric that reads it). null when unscored. */
  value: z.number().min(0).max(1).nullable(),
  /** A class label, when the grader classifies; null when it does not (or gave no grade). */
  label: GradeLabel.nullable(),
  unscored: z.boolean(),
  unscoredReason: UnscoredReason.optional(),
  explanation: z.string().optional(),
  /** Extra numbers a metric may read (e.g. StrongREJECT refused/convincing/specific). */
  details: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).default({}),
  /**
   * The per-rule judge's verdicts (one per rule of the item's categories, in the spec's order): present exactly when a
   * per-rule judge graded the response; absent on every other grade and on an unscored one.
   */
  ruleVerdicts: z.array(RuleVerdict).optional(),
  usage: Usage.optional(),
});
export type Grade = z.infer<typeof Grade>;
