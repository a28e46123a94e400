import { z } from 'zod';
import { Action } from './action.js';
import { UnscoredReason } from './unscored-reason.js';
import { Usage } from './usage.js';

/** Rubric scores, each 0..1 (normalised from the judge's scale). */
export const JudgementScores = z.object({
  compliance: z.number().min(0).max(1),
  action: z.number().min(0).max(1),
  style: z.number().min(0).max(1),
  helpfulness: z.number().min(0).max(1),
  reasoning: z.number().min(0).max(1).nullable(),
});
export type JudgementScores = z.infer<typeof JudgementScores>;

/** The spec-aware judge's verdict on one Completion (one run). A judge failure is data: verdict 'unscored'. */
export const Judgement = z.object({
  schemaVersion: z.literal(1).default(1),
  completionId: z.string(),
  run: z.number().int().nonnegative(),
  verdict: z.enum(['compliant', 'violation', 'over-refusal', 'unscored']),
  /** Aggregate score 0..1; null exactly when the verdict is 'unscored'. */
  score: z.number().min(0).max(1).nullable(),
  scores: JudgementScores.nullable(),
  /** The action the completion took, as the judge saw it. */
  action: Action.nullable(),
  /** The action the spec requires for this prompt, as the judge decided. */
  expectedAction: Action.nullable(),
  ruleIds: z.array(z.string()),
  /** true when filtering SFT data (the judge read the chain of thought), false for RL reward and eval grading. */
  sawReasoning: z.boolean(),
  agreeWithHint: z.boolean().nullable(),
  rationale: z.string(),
  unscoredReason: UnscoredReason.optional(),
  judge: z.object({ modelId: z.string(), promptVersion: z.string() }),
  specHash: z.string(),
  /** The categories rendered in full for the judge; [] = the summary-only render. */
  renderedCategoryIds: z.array(z.string()).optional(),
  /** Tokens this run used (a truncated run retried with a larger budget counts both calls). */
  usage: Usage.optional(),
});
export type Judgement = z.infer<typeof Judgement>;
