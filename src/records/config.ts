import { z } from 'zod';
import { EvalSettings } from './eval-settings.js';
import { FailurePolicySettings } from './failure-policy.js';
import { GuardSettings } from './guard-settings.js';
import { ModelSettings } from './model-settings.js';
import {
  ExportSettings,
  GenerateSettings,
  IntakeSettings,
  JudgeStageSettings,
  QualitySettings,
  SelectSettings,
  ValidateSettings,
} from './pipeline-settings.js';
import { RewardSettings } from './reward-settings.js';

/**
 * deliberate.yaml. Paths are relative to the config file. Published as JSON Schema (config.schema.json).
 */
export const Config = z
  .object({
    $schema: z.string().optional(),
    /** The spec: a Markdown file or a folder. */
    spec: z.string().min(1),
    /** Prompts: JSONL, CSV or Parquet; or a SpecBench scenario's prompts.json, a scenario folder or the folder of them. */
    prompts: z.string().min(1).optional(),
    /** Output folder of the run. */
    out: z.string().min(1).default('./runs/first'),
    /** Roles → models. The pipeline uses `teacher`, `judge` and optionally `classifier`; evals name any role as a target. */
    models: z.record(
      z.string().regex(/^[a-z][a-z0-9-]*$/, 'role names are lower-case words such as teacher or judge'),
      ModelSettings,
    ),
    /** `deliberate eval` defaults: targets, benchmarks, grader roles, data paths (see docs/evals.md). */
    eval: EvalSettings.optional(),
    /** `deliberate guard serve` defaults: upstream role, mode, policy-check roles and actions, audit log (docs/guard.md). */
    guard: GuardSettings.optional(),
    /** Pipeline stages (see records/pipeline-settings.ts); every field has a default. */
    intake: IntakeSettings.prefault({}),
    generate: GenerateSettings.prefault({}),
    validate: ValidateSettings.prefault({}),
    judge: JudgeStageSettings.prefault({}),
    select: SelectSettings.prefault({}),
    export: ExportSettings.prefault({}),
    /** When failed calls fail the command: allowed fraction, streak limit (records/failure-policy.ts). */
    failures: FailurePolicySettings.prefault({}),
    /** Data-quality gates on the accepted samples, checked before export. */
    quality: QualitySettings.prefault({}),
    /** `deliberate reward serve`: reward mapping, judge runs, deadline, cache (see records/reward-settings.ts). */
    reward: RewardSettings.prefault({}),
  })
  .strict();
export type Config = z.infer<typeof Config>;
