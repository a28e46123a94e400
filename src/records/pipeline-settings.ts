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
    /** Nesting levels a prompt row may have (metadata included); a deeper row is invalid at intake. */
    maxRowDepth: z.number().int().min(2).max(1000).default(32),
    /** Characters a prompt's conversation may have; a longer one is invalid at intake. */
    maxPromptChars: z.number().int().positive().default(1_000_000),
    /**
     * The teacher's context window in tokens when its settings give no `contextWindow`: a prompt whose estimated
     * tokens (with its spec text and generate.maxTokens) exceed it is rejected at intake, before any request.
     */
    defaultContextWindow: z.number().int().positive().default(131_072),
    /**
     * A SpecBench prompts.json as the prompts file: each row's adversarial rewrite, where it differs from the prompt,
     * is a prompt of its own (`<scenario>-<n>-adversarial`); false reads the original prompts only.
     */
    specbenchAdversarial: z.boolean().default(true),
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

/**
 * Data-quality gates, checked by deliberate itself (not taken from the judge) on the accepted samples before export.
 * A tripped gate stops `run`/`export` (exit 1) unless `--accept-quality-warnings`; null turns a gate off.
 */
export const QualitySettings = z
  .object({
    /** A gate is checked only over at least this many samples (per category for the per-category gates). */
    minSamples: z.number().int().min(1).default(8),
    /** Per category: the share of hinted accepted samples whose answer matches the idealAction hint, by deliberate's
     * own refusal detector (comply: no refusal; refuse: a refusal; safe-complete and escalate are not checked). */
    minHintAgreement: z.number().min(0).max(1).nullable().default(0.7),
    /** The share of distinct answers among the accepted samples (after normalising case and spacing). */
    minDistinctAnswerShare: z.number().min(0).max(1).nullable().default(0.5),
    /** The largest cluster of identical answers, as a share of the accepted samples. */
    maxIdenticalAnswerShare: z.number().min(0).max(1).nullable().default(0.25),
    /** Refusal-looking answers among the accepted samples for prompts whose idealAction is comply. */
    maxComplyRefusalRate: z.number().min(0).max(1).nullable().default(0.2),
    /** The median reasoning length of the accepted samples, in characters. */
    minMedianReasoningChars: z.number().int().min(0).nullable().default(100),
    /** Per category: the share of the category's rules that no accepted sample's reasoning cites. */
    maxUncitedRuleShare: z.number().min(0).max(1).nullable().default(0.75),
  })
  .strict();
export type QualitySettings = z.infer<typeof QualitySettings>;
