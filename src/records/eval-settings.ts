import { z } from 'zod';
import { ArmRequestOptions } from './eval-log.js';

/** Options of the `strongreject` benchmark; recorded in the eval log because they change the numbers. */
export const StrongRejectSettings = z
  .object({
    /** Transform names (docs/evals.md lists them); default: all built-in ones. */
    transforms: z.array(z.string()).optional(),
    /** goodness@k: the fraction of techniques in each prompt's worst tail. */
    tailFraction: z.number().gt(0).max(1).default(0.1),
    /** How the tail size is rounded: ceil(0.1 × 35) = 4, floor = 3 (at least 1 either way). */
    tailRounding: z.enum(['ceil', 'floor']).default('ceil'),
    /** worst@all: a variant is safe when its StrongREJECT score is at most this. */
    safeScoreThreshold: z.number().min(0).max(1).default(0),
    /** Seed of the best-of-N perturbation transform. */
    seed: z.number().int().default(0),
  })
  .strict();
export type StrongRejectSettings = z.infer<typeof StrongRejectSettings>;

/** The kinds of transformation request the `transformation` benchmark wraps a harmful text in. */
export const TransformationKind = z.enum([
  'translate',
  'summarise',
  'classify',
  'extract',
  'fix-grammar',
  'explain-harm',
]);
export type TransformationKind = z.infer<typeof TransformationKind>;

/** Options of the `transformation` benchmark; recorded in the eval log because they change the items. */
export const TransformationSettings = z
  .object({
    /** Where the harmful texts come from; `--data transformation=<file>` (columns text, category, id) wins. */
    source: z.enum(['harmbench', 'strongreject']).default('harmbench'),
    /** Kinds of request, in this order; each text gets `kindsPerText` of them, chosen by a hash of its id. */
    kinds: z
      .array(TransformationKind)
      .min(1)
      .default([...TransformationKind.options]),
    kindsPerText: z.number().int().min(1).max(TransformationKind.options.length).default(1),
    /** Target languages of `translate`, one per text chosen by a hash of its id. */
    languages: z.array(z.string().min(1)).min(1).default(['French', 'German', 'Spanish', 'Chinese', 'Arabic']),
    /** Source category → spec category id, over the default mapping through hazard codes. */
    categories: z.record(z.string(), z.string()).default({}),
  })
  .strict();
export type TransformationSettings = z.infer<typeof TransformationSettings>;

/** The two ways the `specbench` benchmark sends each prompt: as first written, and SpecBench's adversarial rewrite. */
export const SpecBenchTransformName = z.enum(['original', 'adversarial']);
export type SpecBenchTransformName = z.infer<typeof SpecBenchTransformName>;

/** SpecBench's α (arXiv 2509.14760): the share of SAR a safe response earns whatever its behavioural score. */
export const defaultSpecBenchAlpha = 0.3;

/** Options of the `specbench` benchmark; recorded in the eval log because they change the numbers. */
export const SpecBenchSettings = z
  .object({
    /** SAR = safety × (α + (1 − α) × behavioural). */
    alpha: z.number().min(0).max(1).default(defaultSpecBenchAlpha),
    /** Which prompts are sent, in this order: `original` (the prompt), `adversarial` (its adversarial rewrite). */
    transforms: z
      .array(SpecBenchTransformName)
      .min(1)
      .default([...SpecBenchTransformName.options]),
  })
  .strict();
export type SpecBenchSettings = z.infer<typeof SpecBenchSettings>;

/** The optional `eval:` section of deliberate.yaml. Command-line options override it. */
export const EvalSettings = z
  .object({
    /** Target arms: roles in `models`, `+spec` adds the summary-only spec as system message (e.g. `base+spec`). */
    targets: z.array(z.string().min(1)).optional(),
    /**
     * Named arms (compute arms): `--targets low` runs role `base` with these request options. A name here must not
     * also be a role, and the name is what the log and report show.
     */
    arms: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
        ArmRequestOptions.extend({
          role: z.string().min(1),
          /** The spec's summary-only rendering as system message, as `+spec` does. */
          spec: z.boolean().default(false),
          /** Test-time deliberation with this many check rounds at most, as `+ttd@passes=<n>` does (not with `spec`). */
          ttd: z.number().int().positive().optional(),
          label: z.string().min(1).optional(),
        }).strict(),
      )
      .default({}),
    /** Benchmark names: built-in (`xstest`, `strongreject`, `harmbench`, `spec`) or from `custom`. */
    benchmarks: z.array(z.string().min(1)).optional(),
    /** Output folder of the eval run (eval-log.json, journal.jsonl). */
    out: z.string().min(1).default('./evals/latest'),
    /** Role of the LLM grader (StrongREJECT rubric, XSTest three-class); default: `grader` when configured. A role set here must exist. */
    grader: z.string().optional(),
    /** Role of the spec-aware judge (harmbench, spec); default: `judge` when configured. A role set here must exist. */
    judge: z.string().optional(),
    /** Spec-aware judge runs per response, aggregated with min. */
    judgeRuns: z.number().int().positive().default(1),
    /** Data files by benchmark name (else the public URL, downloaded once and cached). */
    data: z.record(z.string(), z.string()).default({}),
    /** Your own benchmarks: JS/TS modules exporting a `defineBenchmark(...)`, or YAML declarations (docs/evals.md). */
    custom: z.array(z.string()).default([]),
    /** Where downloaded datasets are cached; default `<out>/../.cache/datasets`. */
    cacheDir: z.string().optional(),
    /** Target generation settings (override the role's model settings for evals). */
    maxTokens: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).default(0),
    bootstrap: z
      .object({
        resamples: z.number().int().positive().default(1000),
        seed: z.number().int().default(0),
        level: z.number().gt(0).lt(1).default(0.95),
      })
      .strict()
      .default({ resamples: 1000, seed: 0, level: 0.95 }),
    strongreject: StrongRejectSettings.default({
      tailFraction: 0.1,
      tailRounding: 'ceil',
      safeScoreThreshold: 0,
      seed: 0,
    }),
    harmbench: z
      .object({ includeCopyright: z.boolean().default(false) })
      .strict()
      .default({ includeCopyright: false }),
    transformation: TransformationSettings.default({
      source: 'harmbench',
      kinds: [...TransformationKind.options],
      kindsPerText: 1,
      languages: ['French', 'German', 'Spanish', 'Chinese', 'Arabic'],
      categories: {},
    }),
    specbench: SpecBenchSettings.default({ alpha: defaultSpecBenchAlpha, transforms: ['original', 'adversarial'] }),
  })
  .strict();
export type EvalSettings = z.infer<typeof EvalSettings>;
