import { z } from 'zod';
import { Action } from './action.js';
import { DeliberationRecord } from './deliberation-record.js';
import { FailureKind } from './failure-kind.js';
import { Grade } from './grade.js';
import { Message } from './message.js';
import { Usage } from './usage.js';

/**
 * The eval log: one versioned, self-describing JSON file per `deliberate eval` run (`<out>/eval-log.json`).
 * `deliberate report` reads it. Do not reorder or rename fields without bumping `schemaVersion`.
 */

/** Which way a metric is good. Every metric states one. */
export const MetricDirection = z.enum(['higher-is-safer', 'lower-is-safer', 'higher-is-better', 'lower-is-better']);
export type MetricDirection = z.infer<typeof MetricDirection>;

/**
 * What a metric measures, for pairing axes in summaries and charts:
 * `harmful` (compliance with harmful requests, jailbreak robustness), `over-refusal`, `style`, `traceability`,
 * `capability` (GSM8K, MMLU, your own QA set: what safety training may cost), `other`.
 */
export const MetricAxis = z.enum(['harmful', 'over-refusal', 'style', 'traceability', 'capability', 'other']);
export type MetricAxis = z.infer<typeof MetricAxis>;

/** A 95 % percentile bootstrap interval over prompts (never prompt × technique pairs). */
export const ConfidenceInterval = z.object({
  low: z.number(),
  high: z.number(),
  /** e.g. 0.95 */
  level: z.number().gt(0).lt(1),
  resamples: z.number().int().positive(),
  seed: z.number().int(),
});
export type ConfidenceInterval = z.infer<typeof ConfidenceInterval>;

export const CategoryMetric = z.object({
  category: z.string(),
  value: z.number().nullable(),
  ci: ConfidenceInterval.nullable(),
  /** Prompts counted. */
  n: z.number().int().nonnegative(),
  /** Grades excluded because they were unscored (or the response failed). */
  unscored: z.number().int().nonnegative(),
});
export type CategoryMetric = z.infer<typeof CategoryMetric>;

/** One metric of one benchmark for one arm (and one group, e.g. a jailbreak technique). */
export const MetricResult = z.object({
  /** e.g. `not_overrefuse_strict`, `goodness@0.1`, `score_mean`. */
  name: z.string(),
  /** A sub-row of the metric, e.g. the technique for `score_mean`; null for the overall value. */
  group: z.string().nullable(),
  description: z.string(),
  direction: MetricDirection,
  axis: MetricAxis,
  /** The benchmark's headline number for its axis (the report's summary chart plots these). */
  primary: z.boolean(),
  /** null when nothing could be counted (every grade unscored, or no prompt of that kind). */
  value: z.number().nullable(),
  ci: ConfidenceInterval.nullable(),
  n: z.number().int().nonnegative(),
  unscored: z.number().int().nonnegative(),
  perCategory: z.array(CategoryMetric),
  /** The worst category for this metric's direction (a mean hides the one failing category). */
  categoryMinimum: z.object({ category: z.string(), value: z.number() }).nullable(),
  /** Choices that change the number (tail fraction, rounding, threshold...), recorded so it can be reproduced. */
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type MetricResult = z.infer<typeof MetricResult>;

/** One benchmark item before transforms. `contentHash` = sha256 of its canonical messages + expected action. */
export const EvalItem = z.object({
  id: z.string().min(1),
  messages: z.array(Message).min(1),
  /** The untransformed request (graders such as StrongREJECT grade against it). */
  originalRequest: z.string(),
  category: z.string(),
  expectedAction: Action.nullable(),
  metadata: z.record(z.string(), z.unknown()).default({}),
  contentHash: z.string(),
});
export type EvalItem = z.infer<typeof EvalItem>;

/** How the target call ended: `success`, or a model outcome kind (provider-refusal, no-answer, ...). */
export const EvalOutcome = z.object({
  kind: z.enum(['success', ...FailureKind.options]),
  message: z.string().optional(),
});
export type EvalOutcome = z.infer<typeof EvalOutcome>;

/** One item × transform × arm: what the target saw, what it answered, and the grades. */
export const EvalResult = z.object({
  arm: z.string(),
  itemId: z.string(),
  /** The transform's name (`none` when the benchmark has none). */
  transform: z.string(),
  /** The conversation the target saw, after transforms (and the spec system message for a `+spec` arm; for a `+ttd`
   * arm, its draft request's). */
  messages: z.array(Message),
  /** null when the call failed (see `outcome`). */
  response: z.object({ reasoning: z.string().nullable(), answer: z.string() }).nullable(),
  /** The answer after the transform's decoder (base64, rot13, JSON list), when it differs from `response.answer`. */
  decodedAnswer: z.string().nullable(),
  outcome: EvalOutcome,
  /** Grades by grader key (e.g. `refusal`, `rubric`, `judge`); empty when the call failed. */
  grades: z.record(z.string(), Grade),
  latencyMs: z.number().nonnegative(),
  usage: Usage,
  /** Tokens spent by graders on this result. */
  graderUsage: Usage,
  cached: z.boolean(),
  /**
   * Reasoning tokens the target spent on this result: as the server reported them (`reported`), else the reasoning
   * text counted with the Qwen3 tokenizer (`counted`), else 0 (`none`: no reasoning). null when the call failed.
   */
  reasoningTokens: z.number().int().nonnegative().nullable().optional(),
  reasoningTokensSource: z.enum(['reported', 'counted', 'none']).nullable().optional(),
  /** A `+ttd` arm: its calls (`usage` sums them all) and what each check found. */
  deliberation: DeliberationRecord.optional(),
});
export type EvalResult = z.infer<typeof EvalResult>;

/** What a compute arm sends besides the messages (`trained@effort=low`, or `eval.arms` in the config). */
export const ArmRequestOptions = z
  .object({
    /** Sent as `reasoning_effort` (gpt-oss, OpenAI reasoning models). */
    reasoningEffort: z.enum(['minimal', 'low', 'medium', 'high']).optional(),
    /** Sent as `chat_template_kwargs` (vLLM, SGLang), e.g. `{ enable_thinking: false }` for Qwen3. */
    chatTemplateKwargs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** max_tokens for this arm (a thinking budget), over eval.maxTokens. */
    maxTokens: z.number().int().positive().optional(),
  })
  .strict();
export type ArmRequestOptions = z.infer<typeof ArmRequestOptions>;

/** A target as run: a role from config.models, optionally with the spec in context (`base+spec`). */
export const EvalArm = z.object({
  /** As written on the command line: `base`, `base+spec`, `trained`. */
  name: z.string(),
  role: z.string(),
  modelId: z.string(),
  /** true: the spec's summary-only rendering was the system message (the spec-in-context baseline). */
  specInContext: z.boolean(),
  /** Request options of a compute arm (`@effort=low`…); absent or empty: the role's own settings. */
  requestOptions: ArmRequestOptions.optional(),
  /** A display name (`:label=…`), when given. */
  label: z.string().nullable().optional(),
  /** `+ttd`: test-time deliberation (draft, check against spec(category), revise), its check rounds at most and the
   * wording's version. */
  deliberation: z.object({ passes: z.number().int().positive(), version: z.string() }).optional(),
});
export type EvalArm = z.infer<typeof EvalArm>;

export const GraderIdentity = z.object({
  /** Key used in EvalResult.grades. */
  key: z.string(),
  /** Grader id with version, e.g. `strongreject-rubric@1`. */
  graderId: z.string(),
  /** The config role of its model, null for offline graders. */
  role: z.string().nullable(),
  modelId: z.string().nullable(),
});
export type GraderIdentity = z.infer<typeof GraderIdentity>;

export const BenchmarkLog = z.object({
  name: z.string(),
  description: z.string(),
  /** Where the data came from: a URL or a file path. */
  datasetSource: z.string(),
  /** sha256 of the dataset's canonical items (ids, messages, expected actions): equal hash, equal data. */
  datasetHash: z.string(),
  /** Items before --limit. */
  datasetSize: z.number().int().nonnegative(),
  items: z.array(EvalItem),
  transforms: z.array(z.string()),
  graders: z.array(GraderIdentity),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  results: z.array(EvalResult),
  /** By arm name. */
  metrics: z.record(z.string(), z.array(MetricResult)),
});
export type BenchmarkLog = z.infer<typeof BenchmarkLog>;

export const EvalLog = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('deliberate-eval-log'),
  /**
   * `complete`; `partial` when cancelled or stopped early (the missing results are absent, never invented); `failed`
   * when an arm has no scored item on a benchmark because every target call failed (`errors` says which).
   */
  status: z.enum(['complete', 'partial', 'failed']),
  createdAt: z.string(),
  finishedAt: z.string(),
  deliberateVersion: z.string(),
  /** The config as run, without secrets (it only ever names key variables). */
  config: z.record(z.string(), z.unknown()),
  spec: z.object({ id: z.string(), version: z.string(), hash: z.string(), title: z.string() }).nullable(),
  /** The spec-aware judge, when a benchmark used it. */
  judge: z.object({ role: z.string(), modelId: z.string() }).nullable(),
  arms: z.array(EvalArm),
  benchmarks: z.array(BenchmarkLog),
  /** Human-readable warnings (single-axis run, judge == target, unscored counts, ...). */
  warnings: z.array(z.string()),
  /** Why the run is not a result (an arm whose every target call failed); absent in older logs. */
  errors: z.array(z.string()).optional(),
  /** Token totals over every result in the log: targets and graders. */
  usage: z.object({ target: Usage, grader: Usage }),
  bootstrap: z.object({ resamples: z.number().int().positive(), seed: z.number().int(), level: z.number() }),
});
export type EvalLog = z.infer<typeof EvalLog>;
