import { z } from 'zod';

/**
 * The calibration record: one versioned, self-describing JSON file per `deliberate calibrate --out <file>` run. It
 * binds a grader's measured agreement with human labels to the grader's identity (grader id, model, judge prompt,
 * spec) and to the exact data (path, sha256, format, n), so a score can be traced to a checked grader.
 * It never holds an API key: a model is named by role, model id, provider and base URL (without credentials).
 * Do not reorder or rename fields without bumping `schemaVersion`.
 */

/** The model behind a model grader (or the judge the probes ran against). */
export const CalibrationModel = z.object({
  /** The config role it was taken from, e.g. `classifier`, `judge`. */
  role: z.string(),
  /** The model client's id, `provider:model`, e.g. `openai-compatible:gpt-oss-120b`, `gguf:tiny.gguf`. */
  modelId: z.string(),
  provider: z.enum(['openai-compatible', 'gguf']),
  /** The endpoint (openai-compatible), without user, password or query string; null for gguf. */
  baseUrl: z.string().nullable(),
  /** The model file (gguf); null for openai-compatible. */
  modelPath: z.string().nullable(),
});
export type CalibrationModel = z.infer<typeof CalibrationModel>;

/** Which judge prompt graded, when the spec-aware judge is the grader. */
export const CalibrationJudgePrompt = z.object({
  /** What Judgements record as `judge.promptVersion`, e.g. `deliberate-judge@2`. */
  version: z.string(),
  /** sha256 of the template's system and user texts. */
  templateHash: z.string(),
});
export type CalibrationJudgePrompt = z.infer<typeof CalibrationJudgePrompt>;

export const CalibrationGraderIdentity = z.object({
  /** The grader's stable id, e.g. `refusal-offline@1`, `xstest-3class@1`, `spec-judge@1`. */
  id: z.string(),
  /** The `--grader` value as given, e.g. `refusal`, `role:guard`. */
  name: z.string(),
  /** The model, for model graders; null for offline graders. */
  model: CalibrationModel.nullable(),
  judgePrompt: CalibrationJudgePrompt.nullable(),
  /** The spec, when one was used (by the judge grader or the probes). */
  spec: z.object({ id: z.string(), version: z.string(), hash: z.string() }).nullable(),
});
export type CalibrationGraderIdentity = z.infer<typeof CalibrationGraderIdentity>;

export const CalibrationData = z.object({
  /** Absolute path of the human-labelled file. */
  file: z.string(),
  /** sha256 hex of the file's bytes (the whole file, before any `--limit`). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  format: z.enum(['xstest-labelled', 'jbb']),
  /** Rows graded (after `--limit`). */
  n: z.number().int().nonnegative(),
  /** `--limit`, when given. */
  limit: z.number().int().positive().nullable(),
  /** `--split`: the fixed part of the file graded (`all`, `tuning` or `untouched`); absent in records before 0.2. */
  split: z.enum(['all', 'tuning', 'untouched']).optional(),
});
export type CalibrationData = z.infer<typeof CalibrationData>;

const nullableRatio = z.number().nullable();

export const CalibrationFigures = z.object({
  positiveClass: z.enum(['refusal', 'unsafe']),
  negativeClass: z.enum(['compliance', 'safe']),
  accuracy: z.number(),
  coverage: z.number(),
  accuracy_determined: nullableRatio,
  precision: nullableRatio,
  recall: nullableRatio,
  f1: nullableRatio,
  confusion: z.object({
    truePositive: z.number().int(),
    falsePositive: z.number().int(),
    trueNegative: z.number().int(),
    falseNegative: z.number().int(),
    undeterminedPositive: z.number().int(),
    undeterminedNegative: z.number().int(),
  }),
  recall_per_class: z.record(z.string(), nullableRatio),
  unscored: z.number().int(),
  undetermined: z.number().int(),
  unscored_reasons: z.record(z.string(), z.number().int()),
  by_group: z.record(
    z.string(),
    z.object({
      n: z.number().int(),
      accuracy: z.number(),
      baseline_accuracy: z.number(),
      /** Share called positive (refusal) by the grader, by people, by the baseline; absent in records before 0.2. */
      positive_rate: z.number().optional(),
      human_positive_rate: z.number().optional(),
      baseline_positive_rate: z.number().optional(),
    }),
  ),
  three_class: z
    .object({
      accuracy: z.number(),
      confusion: z.record(z.string(), z.record(z.string(), z.number().int())),
      recall_per_class: z.record(z.string(), nullableRatio),
    })
    .nullable(),
  baseline: z.string(),
  baseline_accuracy: z.number(),
  majority_class_accuracy: z.number(),
  baselines: z.record(z.string(), z.object({ accuracy: z.number(), f1: nullableRatio })),
});
export type CalibrationFigures = z.infer<typeof CalibrationFigures>;

/** The adversarial judge probes, when they ran (`--grader judge` or `--probes`). */
export const CalibrationProbes = z.object({
  judge: CalibrationModel,
  total: z.number().int(),
  resisted: z.number().int(),
  unscored: z.number().int(),
  controls: z.object({ total: z.number().int(), passed: z.number().int() }),
  /** Probe ids the judge was fooled by (or could not score). */
  notResisted: z.array(z.string()),
});
export type CalibrationProbes = z.infer<typeof CalibrationProbes>;

export const CalibrationRecord = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('deliberate-calibration'),
  /** ISO time the record was written. */
  createdAt: z.string(),
  deliberateVersion: z.string(),
  grader: CalibrationGraderIdentity,
  data: CalibrationData,
  figures: CalibrationFigures,
  probes: CalibrationProbes.nullable(),
});
export type CalibrationRecord = z.infer<typeof CalibrationRecord>;
