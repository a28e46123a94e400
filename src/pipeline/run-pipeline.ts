/**
 * @module pipeline/run-pipeline
 * prompts → categorise → generate → validate → judge → select → export, over one resumable run store.
 * Every stage reads what earlier runs stored and does only the missing work; `until` stops after a stage, so
 * `deliberate generate|judge|select|export` share the state of `deliberate run`.
 */
import path from 'node:path';

import type { RoleUnavailableError } from '../errors.js';
import { startTokenCountWorker, type TokenCountWorker } from '../io/token-count-worker.js';
import type { ContextWindow } from '../models/server-context-window.js';
import type { Completion } from '../records/completion.js';

import type { Spec } from '../records/spec.js';
import { finishRun } from './finish-run.js';
import { generationUnits } from './generate-samples.js';
import { validateAsGenerated, validateGenerations } from './judge-samples.js';
import { lockRunStore } from './lock-run-store.js';
import { pipelineInputs } from './pipeline-inputs.js';
import { type PipelineStage, type RoleClients, startPipelineRun } from './pipeline-run.js';
import type { PipelineSections } from './pipeline-sections.js';
import { planHasChanges, planRun, type RunPlan } from './plan-run.js';
import { readRunPrompts } from './read-run-prompts.js';
import { runGenerateStage } from './run-generate-stage.js';
import { runJudgeStage } from './run-judge-stage.js';
import type { RunManifest } from './run-manifest.js';
import { selectSamples } from './select-samples.js';
import type { Shard } from './shard-prompts.js';
import type { ProgressSink } from './stage-progress.js';
import { plainCompletionText, plainConversationText, qwen3TokenCounter } from './token-stats.js';
import { type JudgementsFile, writeRunSamples } from './write-run-samples.js';

export { type PipelineStage, pipelineStages } from './pipeline-run.js';

/** How this run goes: the loaded spec, how far, which prompts and shard, what it reports to. */
export interface RunPipelineOptions {
  spec: Spec;
  /** Resolves a path written in the config (relative to the config file). */
  resolve: (relative: string) => string;
  /** Stop after this stage (default: export, the whole pipeline). */
  until?: PipelineStage;
  /** Overrides config.prompts (a file path, absolute or relative to the config). */
  promptsFile?: string;
  skipInvalid?: boolean;
  signal?: AbortSignal;
  progress?: ProgressSink;
  /** deliberate's version, for the manifest. */
  toolVersion?: string;
  /** The config file, for the manifest. */
  configFile?: string;
  /**
   * Checks roles before a stage's first request (models/preflight-roles.ts); throws to stop the run. Called only
   * when the stage has work that is not stored yet (the judge's is started once the teacher's passes, see below).
   */
  preflight?: (roles: string[]) => Promise<void>;
  /**
   * Starts roles' checks early, neither awaited nor thrown (a failed one is made again when `preflight` asks): the
   * judge's once the teacher's passed, so the judge stage does not wait for it after generate.
   */
  preparePreflight?: (roles: string[]) => void;
  /** Overrides `failures.allowFailures` (the `--allow-failures` flag). */
  allowFailures?: number;
  /** Export although a data-quality gate tripped (the manifest records that they were accepted). */
  acceptQualityWarnings?: boolean;
  /**
   * Run only this shard's prompts (`run --shard i/n`). Intake (dedup, decontamination) still reads every prompt, so
   * each shard removes exactly what a single run removes; `export --merge` joins the shards' stores afterwards.
   */
  shard?: Shard;
  /** Only the first n prompts (file order), after intake and the shard: a small trial run of a large prompts file. */
  limit?: number;
  /** Where warnings go (a stale lock taken over, spec warnings); the CLI prints them on stderr. */
  warn?: (message: string) => void;
  /** Called before the first request with what the run will send, when the spec, template or settings changed. */
  onPlan?: (plan: RunPlan) => void;
  /** Compute and report the plan (`onPlan`), send nothing, write nothing but the lock and the run store. */
  dryRun?: boolean;
  /**
   * Asked after generate and after judge: true ends the run at that stage, as `until` would (`--via batch` stops where
   * requests wait in batch files, so no later stage runs on part of the samples).
   */
  stopAfter?: (stage: 'generate' | 'judge') => boolean;
  /**
   * The teacher's context window when its settings give none, as its server reported it
   * (models/server-context-window.ts); without it, `intake.defaultContextWindow`.
   */
  teacherWindow?: ContextWindow;
}

/** The `--json` object of `deliberate run`. */
export interface RunSummary {
  /** `failed` when a required role's failures exceed what `failures.allowFailures` allows (see `problems`). */
  status: 'complete' | 'failed';
  counts: { prompts: number; generations: number; accepted: number; rejected: number; errors: number };
  outputs: { sft: string | null; rl: string | null; manifest: string };
  /** Why the run failed: each names the role, model, URL, failure kinds, the first provider message and the fix. */
  problems: string[];
}

export interface PipelineResult {
  summary: RunSummary;
  /** null for a dry run (nothing was written). */
  manifest: RunManifest | null;
  /** What the run planned to send (always set for a dry run). */
  plan: RunPlan | null;
  /** The failures that make the command exit non-zero (the outputs are written). */
  problems: RoleUnavailableError[];
}

/** What a dry run returns: the plan, and the counts it knows (nothing was sent or written). */
function dryRunResult(plan: RunPlan, prompts: number, manifestFile: string): PipelineResult {
  return {
    manifest: null,
    plan,
    problems: [],
    summary: {
      status: 'complete',
      counts: { prompts, generations: 0, accepted: 0, rejected: 0, errors: 0 },
      outputs: { sft: null, rl: null, manifest: manifestFile },
      problems: [],
    },
  };
}

/**
 * Hands the SFT texts of the completions the judge may accept to the token worker (to count while the judge works),
 * in batches, so no array of every text is held at once.
 */
function completionTextPrefetch(tokenWorker: TokenCountWorker | undefined) {
  let batch: string[] = [];
  const flush = () => {
    if (batch.length > 0) tokenWorker?.prefetch(batch);
    batch = [];
  };
  const add = (completion: Completion) => {
    if (!tokenWorker) return;
    batch.push(plainCompletionText(completion.reasoning ?? '', completion.answer));
    if (batch.length >= 512) flush();
  };
  return { add, flush };
}

/**
 * Runs the pipeline up to `until`; resumes from the run store in the config's out folder. `clients` per role:
 * `teacher` and `judge` are required (judge from the judge stage on); `classifier` optional.
 */
export async function runPipeline(
  config: PipelineSections,
  clients: RoleClients,
  options: RunPipelineOptions,
): Promise<PipelineResult> {
  const run = startPipelineRun(config, clients, options);
  const inputs = pipelineInputs(run);
  const { store, release } = lockRunStore(run);
  // The export's token counts need the tokenizer (0.6–0.8 s to load): it loads on a worker while the run goes on.
  const tokenWorker = run.reach('export') && !options.dryRun ? startTokenCountWorker() : undefined;
  // judgements.jsonl, written while the judge stage runs; renamed into place with samples.jsonl.
  let judgementsFile: JudgementsFile | undefined;
  try {
    const read = await readRunPrompts(run, inputs, store);
    tokenWorker?.prefetch(read.prompts.map((prompt) => plainConversationText(prompt.messages)));
    const { spec } = options;
    const { teacher, template, judge, judgeTemplate } = inputs;
    const generation = { prompts: read.prompts, spec, teacher, template, settings: config.generate };
    const units = generationUnits(generation);
    const manifestFile = path.join(run.outDirectory, 'manifest.json');
    const judgeOptions = { settings: config.judge, template: judgeTemplate, threshold: config.select.threshold };
    // The plan, validation and selection read many stored units back: each in one read transaction (one WAL lock).
    const plan = store.read(() =>
      planRun({
        ...{ config, spec, template, units, store, manifestFile },
        ...(judge ? { judge: { client: judge, options: judgeOptions } } : {}),
      }),
    );
    if (options.dryRun) {
      options.onPlan?.(plan);
      return dryRunResult(plan, read.prompts.length, manifestFile);
    }
    if (planHasChanges(plan)) options.onPlan?.(plan);
    const prefetch = completionTextPrefetch(tokenWorker);
    // Each new completion is validated as it is stored (the main thread waits on the teacher then), not read back.
    const early = validateAsGenerated({ spec, settings: config.validate, onValid: prefetch.add });
    const generated = await runGenerateStage(run, generation, units, store, early.see);
    const { statuses } = generated;
    const validation = { units, statuses, store, spec, settings: config.validate, events: run.events };
    const validated = await run.timed('validate', () =>
      store.read(() => validateGenerations({ ...validation, onValid: prefetch.add, early: early.results })),
    );
    prefetch.flush();
    const judging = await runJudgeStage(run, inputs, validated, store);
    judgementsFile = judging.judgements;
    const selection = run.reach('select')
      ? await run.timed('select', () =>
          store.read(() =>
            selectSamples({
              validated,
              judged: judging.judged,
              settings: config.select,
              spec,
              events: run.events,
              store,
            }),
          ),
        )
      : undefined;
    const outputs = { units, generated, validated, judging, selection };
    writeRunSamples(run.outDirectory, outputs, store);
    const tokenCounter = tokenWorker && qwen3TokenCounter(tokenWorker);
    return await finishRun(run, {
      inputs,
      read,
      outputs,
      plan,
      manifestFile,
      storeFile: store.file,
      store,
      tokenCounter,
    });
  } finally {
    // A run that fails before writeRunSamples leaves the previous judgements.jsonl (abort is a no-op after commit).
    judgementsFile?.abort();
    release();
    await tokenWorker?.close();
  }
}
