import { z } from 'zod';
import { Action } from './action.js';
import { Completion } from './completion.js';
import { FailureKind } from './failure-kind.js';
import { Judgement, JudgementScores } from './judgement.js';
import { UnscoredReason } from './unscored-reason.js';
import { Usage } from './usage.js';

/**
 * The units of work a run stores (one row each in the run store, keyed by a content hash), and what the select stage
 * reads back. A Sample is a Prompt with these: its generations, validation findings and judge results.
 */

/** How a teacher call failed, when it did not produce a completion (typed, counted, never silent). */
export const GenerationFailure = z.object({
  kind: FailureKind,
  message: z.string(),
  /** The tokens the failed call still used (a reasoning model that spent its budget is billed): counted in usage. */
  usage: Usage.optional(),
});
export type GenerationFailure = z.infer<typeof GenerationFailure>;

/** One teacher sample for one prompt: a completion, or a typed failure. */
export const GenerationRecord = z.object({
  schemaVersion: z.literal(1).default(1),
  promptId: z.string(),
  sampleIndex: z.number().int().nonnegative(),
  seed: z.number().int(),
  completion: Completion.nullable(),
  failure: GenerationFailure.nullable(),
  /** The teacher refused a prompt whose idealAction is comply (a refusal-looking answer): counted per category. */
  refusedComplyPrompt: z.boolean(),
  templateHash: z.string(),
});
export type GenerationRecord = z.infer<typeof GenerationRecord>;

/** The judge stage's result for one completion: k runs aggregated with min, every run kept. */
export const JudgeRecord = z.object({
  schemaVersion: z.literal(1).default(1),
  completionId: z.string(),
  promptId: z.string(),
  judgements: z.array(Judgement),
  score: z.number().min(0).max(1).nullable(),
  scores: JudgementScores.nullable(),
  verdict: Judgement.shape.verdict,
  unscoredReason: UnscoredReason.optional(),
  expectedAction: Action.nullable(),
  action: Action.nullable(),
  ruleIds: z.array(z.string()),
  agreeWithHint: z.boolean().nullable(),
  usage: Usage,
  runsMade: z.number().int().nonnegative(),
  earlyExit: z.boolean(),
  /** The threshold the early exit used: a lower threshold later may need the remaining runs. */
  stopBelow: z.number().nullable(),
  runsRequested: z.number().int().positive(),
});
export type JudgeRecord = z.infer<typeof JudgeRecord>;

/** The category classifier's labels for one prompt. */
export const CategoryRecord = z.object({
  promptId: z.string(),
  categories: z.array(z.string()),
  /** null: labelled; otherwise why the classifier gave no usable labels. */
  failure: z.string().nullable(),
});
export type CategoryRecord = z.infer<typeof CategoryRecord>;
