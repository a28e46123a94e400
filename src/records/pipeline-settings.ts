import { z } from 'zod';

/**
 * The pipeline's sections of deliberate.yaml: intake (dedup, decontamination), generate, validate, judge, select,
 * export. Every field has its default next to it, so a config may leave any section out.
 */

/** An evaluation set to keep out of the training prompts (decontamination). */
export const EvalSetReference = z
  .object({
    /** JSONL, CSV or Parquet, relative to the config file. */
    path: z.string().min(1),
    /** The column holding the prompt text (e.g. `forbidden_prompt` for StrongREJECT, `prompt` for XSTest). */
    column: z.string().min(1).default('prompt'),
    /** A name for the report; defaults to the file name. */
    name: z.string().optional(),
  })
  .strict();
export type EvalSetReference = z.infer<typeof EvalSetReference>;

export const IntakeSettings = z
  .object({
    /** Drop prompts whose normalised text repeats an earlier prompt. */
    exactDedup: z.boolean().default(true),
    /** Drop near-duplicates: estimated Jaccard similarity of word shingles at or above this (null turns it off). */
    nearDuplicateThreshold: z.number().min(0).max(1).nullable().default(0.8),
    /** Words per shingle for near-duplicate detection. */
    shingleSize: z.number().int().min(1).max(16).default(3),
    /** Evaluation sets to decontaminate against. */
    decontaminate: z.array(EvalSetReference).default([]),
    /** A prompt sharing one word n-gram of this size with an evaluation item is dropped. */
    decontaminationNgram: z.number().int().min(3).max(32).default(8),
  })
  .strict();
export type IntakeSettings = z.infer<typeof IntakeSettings>;

export const GenerateSettings = z
  .object({
    /** Samples per prompt. */
    samples: z.number().int().min(1).max(64).default(4),
    /** Must be above 0 so the samples differ. */
    temperature: z.number().gt(0).max(2).default(0.6),
    topP: z.number().min(0).max(1).optional(),
    /** Teacher output budget (reasoning + answer). */
    maxTokens: z.number().int().positive().default(8000),
    /** Sample i is requested with seed `seed + i`. */
    seed: z.number().int().nonnegative().default(0),
    /** The generation template (Markdown with {{spec}} and {{conversation}}); default: templates/generate.md. */
    template: z.string().min(1).optional(),
    /** Where spec(category) goes: a user turn (R1-friendly, default) or a system message. Always before the conversation. */
    specPlacement: z.enum(['user', 'system']).default('user'),
  })
  .strict();
export type GenerateSettings = z.infer<typeof GenerateSettings>;

export const ValidateSettings = z
  .object({
    /** Extra phrases (case-insensitive) that count as pointing at the absent spec. */
    extraLeakagePhrases: z.array(z.string().min(3)).default([]),
    /** Minimum answer length in characters (after trimming). */
    minAnswerChars: z.number().int().min(1).default(1),
  })
  .strict();
export type ValidateSettings = z.infer<typeof ValidateSettings>;

export const JudgeStageSettings = z
  .object({
    /** Judge runs per completion; the minimum counts, and runs stop once it is below the threshold. */
    runs: z.number().int().min(1).max(16).default(3),
    /** Judge output budget; sized for reasoning judges. */
    maxTokens: z.number().int().positive().default(8192),
    /** A judge template (Markdown with the judge's {{placeholders}}); default: the built-in one (templates/judge.md). */
    template: z.string().min(1).optional(),
  })
  .strict();
export type JudgeStageSettings = z.infer<typeof JudgeStageSettings>;

export const BalanceSettings = z
  .object({
    /** Reduce the accepted set to at most this many examples (STAR-1 balancing). */
    targetSize: z.number().int().positive(),
    /** What to balance: categories, sources (metadata.source) and the judged action. */
    by: z
      .array(z.enum(['category', 'source', 'action']))
      .min(1)
      .default(['category', 'source']),
  })
  .strict();
export type BalanceSettings = z.infer<typeof BalanceSettings>;

export const SelectSettings = z
  .object({
    /** Accept a completion when its min-aggregated judge score (0..1) is at least this. */
    threshold: z.number().min(0).max(1).default(0.9),
    /** Completions kept per prompt (highest score first; ties go to the lower sample index). */
    bestOf: z.number().int().min(1).default(1),
    balance: BalanceSettings.optional(),
  })
  .strict();
export type SelectSettings = z.infer<typeof SelectSettings>;

export const ExportSettings = z
  .object({
    sft: z
      .object({
        format: z.string().min(1).default('trl'),
        reasoningKey: z.enum(['reasoning_content', 'thinking']).default('reasoning_content'),
        /** Relative to the run's out folder. */
        file: z.string().min(1).default('sft.jsonl'),
        /** A tokenizer_config.json whose chat template every row is rendered with (fails on a broken row). */
        chatTemplate: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    rl: z
      .object({
        format: z.enum(['trl', 'openrlhf', 'verl']).default('trl'),
        /** Relative to the run's out folder; verl writes Parquet. */
        file: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type ExportSettings = z.infer<typeof ExportSettings>;
