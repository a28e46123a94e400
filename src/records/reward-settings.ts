import { z } from 'zod';

/**
 * The `reward:` section of deliberate.yaml: how `deliberate reward serve` turns the judge's verdict on a final answer
 * into an RL reward (docs/rl-and-training.md). Every field has its default next to it.
 */

/** Amounts taken off the judge's 0..1 score; the reward is floored at 0. */
export const RewardPenalties = z
  .object({
    /** The answer took another action than the one the spec requires (as the judge saw it). */
    wrongAction: z.number().min(0).max(1).default(0.5),
    /** The judge's style score is below `styleViolationBelow`. */
    styleViolation: z.number().min(0).max(1).default(0.25),
    /** The answer quotes a rule id of the spec to the user (e.g. "per illicit.K3"). */
    ruleIdsInAnswer: z.number().min(0).max(1).default(0.25),
    /** The answer contains a summary or rule text of the spec (20 characters or more, whitespace collapsed). */
    specLeak: z.number().min(0).max(1).default(0.5),
  })
  .strict();
export type RewardPenalties = z.infer<typeof RewardPenalties>;

export const RewardSettings = z
  .object({
    /** Judge runs per answer; the minimum counts (1 keeps RL affordable; the SFT filter uses judge.runs). */
    runs: z.number().int().min(1).max(16).default(1),
    /** A style score (0..1) below this is a style violation. */
    styleViolationBelow: z.number().min(0).max(1).default(0.5),
    penalties: RewardPenalties.prefault({}),
    /**
     * The number OpenRLHF gets for an answer that could not be graded (its protocol has no null); the item is also
     * marked `judge_failed: 1` in `extra_logs`. The generic form returns null instead.
     */
    fallback: z.number().min(-1).max(1).default(0),
    /** Every request answers within this many seconds, all judge runs included (OpenRLHF waits 180 s). */
    deadlineSeconds: z.number().positive().max(3600).default(170),
    /** Verdicts kept in memory, keyed by conversation, answer, categories and spec hash. */
    cacheEntries: z.number().int().min(0).default(50_000),
    /** Requests with a larger body get 413. */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .default(4 * 1024 * 1024),
    /** The role that labels rows without categories; default the `classifier` role when configured, else none (summary-only spec). */
    classifier: z.string().min(1).optional(),
  })
  .strict();
export type RewardSettings = z.infer<typeof RewardSettings>;
