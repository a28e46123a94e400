import { z } from 'zod';
import { RuleKind } from './spec.js';

/** One rule's verdict: `compliant` (the response follows it), `violated`, or `not-applicable` to this conversation. */
export const RuleVerdictValue = z.enum(['compliant', 'violated', 'not-applicable']);
export type RuleVerdictValue = z.infer<typeof RuleVerdictValue>;

/**
 * The per-rule judge's checked verdict on one rule of the item's categories (grading/rule-judge-grader), stored in
 * order on the grade (`Grade.ruleVerdicts`): the rule id, its kind, the verdict and the judge's one-sentence reason.
 */
export const RuleVerdict = z
  .object({
    ruleId: z.string().min(1),
    kind: RuleKind,
    verdict: RuleVerdictValue,
    reason: z.string(),
  })
  .strict();
export type RuleVerdict = z.infer<typeof RuleVerdict>;
