/**
 * @module pipeline/run-pipeline
 * prompts → categorise → generate → validate → judge → select → export, over one resumable run store.
 * Every stage reads what earlier runs stored and does only the missing work; `until` stops after a stage, so
 * `deliberate generate|judge|select|export` share the state of `deliberate run`.
 */
import path from 'node:path';
import { CancelledError, ConfigError, QualityGateError, type RoleUnavailableError } from '../errors.js';
import { type JudgeTemplate, loadJudgeTemplate } from '../grading/judge-completion.js';
import { writeJsonl } from '../io/jsonl.js';
import { acquireRunLock } from '../io/run-lock.js';
import { openRunStore } from '../io/run-store.js';
import type { ModelClient } from '../models/model-client.js';
import { redactSecrets } from '../models/redact-secrets.js';
import { checkRoleFailures, type RoleCallLedger, watchRoleCalls } from '../models/role-call-ledger.js';
import type { ContextWindow } from '../models/server-context-window.js';
import type { Config } from '../records/config.js';
import type { Prompt } from '../records/prompt.js';
import type { JudgeRecord } from '../records/sample.js';
import type { Spec } from '../records/spec.js';
import { categorisePrompts, checkPromptCategories } from './categorise-prompts.js';
import { checkPromptFit } from './check-prompt-fit.js';
import { checkRunQuality } from './check-run-quality.js';
import type { ExportSummary } from './export-summary.js';
import { generateSamples, generationUnits } from './generate-samples.js';
import { type GenerationTemplate, loadGenerationTemplate } from './generation-template.js';
import { judgeSamples, validateGenerations } from './judge-samples.js';
import { planHasChanges, planRun, type RunPlan } from './plan-run.js';
import { intakeReportFile, preparePrompts } from './prepare-prompts.js';
import { formatTrippedGates, type QualityReport } from './quality-gates.js';
import { createRunEvents, errorEventKinds } from './run-events.js';
import { buildManifest, type RunManifest, writeManifest } from './run-manifest.js';
import { selectSamples } from './select-samples.js';
import { promptsOfShard, type Shard } from './shard-prompts.js';
import type { ProgressSink } from './stage-progress.js';
import { writeRunExports } from './write-run-exports.js';

export const pipelineStages = ['generate', 'judge', 'select', 'export'] as const;
export type PipelineStage = (typeof pipelineStages)[number];

export interface RunPipelineOptions {
  config: Config;
  /** Resolves a path written in the config (relative to the config file). */
  resolve: (relative: string) => string;
  spec: Spec;
  /** Clients per role: `teacher` and `judge` are required (judge from the judge stage on); `classifier` optional. */
  clients: Record<string, ModelClient | undefined>;
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
   * when the stage has work that is not stored yet.
   */
  preflight?: (roles: string[]) => Promise<void>;
  /** Overrides `failures.allowFailures` (the `--allow-failures` flag). */
  allowFailures?: number;
  /** Export although a data-quality gate tripped (the manifest records that they were accepted). */
  acceptQualityWarnings?: boolean;
  /**
   * Run only this shard's prompts (`run --shard i/n`). Intake (dedup, decontamination) still reads every prompt, so
   * each shard removes exactly what a single run removes; `export --merge` joins the shards' stores afterwards.
   */
  shard?: Shard;
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

/** The out folder of a config (absolute). */
export function runOutDirectory(config: Config, resolve: (relative: string) => string): string {
  return resolve(config.out);
}

function requireClient(clients: RunPipelineOptions['clients'], role: string, stage: string): ModelClient {
  const client = clients[role];
  if (!client) {
    throw new ConfigError(`the ${stage} stage needs a "${role}" model, and models.${role} is not in the config`, {
      location: `models.${role}`,
      hint: `add models.${role} (provider, baseUrl, model) to deliberate.yaml`,
    });
  }
  return client;
}

function qualityGateError(quality: QualityReport, manifestFile: string): QualityGateError {
  const lines = formatTrippedGates(quality).map((line) => `  - ${line}`);
  return new QualityGateError(
    `${quality.tripped} data-quality gate${quality.tripped === 1 ? '' : 's'} tripped; nothing was exported:\n${lines.join('\n')}\n`,
    {
      location: manifestFile,
      hint: 'fix what each gate names and run again (only the missing work is redone); change a threshold in the quality: section of deliberate.yaml; or pass --accept-quality-warnings to export anyway',
    },
  );
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
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

/** The teacher's context window: its settings' `contextWindow`, else what the server said, else the intake default. */
function teacherWindow(config: Config, fromServer: ContextWindow | undefined): ContextWindow {
  const own = config.models.teacher?.contextWindow;
  if (own !== undefined) return { contextWindow: own, windowSource: 'models.teacher.contextWindow' };
  return (
    fromServer ?? { contextWindow: config.intake.defaultContextWindow, windowSource: 'intake.defaultContextWindow' }
  );
}

/** Each role's client wrapped in a ledger: counted calls, and a streak breaker that stops the run. */
function watchRoles(options: RunPipelineOptions, stop: (error: RoleUnavailableError) => void) {
  const ledgers = new Map<string, () => RoleCallLedger>();
  const clients: Record<string, ModelClient | undefined> = {};
  for (const [role, client] of Object.entries(options.clients)) {
    if (!client) continue;
    const settings = options.config.models[role];
    const url = settings ? (settings.provider === 'gguf' ? settings.path : settings.baseUrl) : '(unknown)';
    const watched = watchRoleCalls(client, {
      role,
      url,
      streakLimit: options.config.failures.streakLimit,
      onStreak: stop,
    });
    ledgers.set(role, watched.ledger);
    clients[role] = watched.client;
  }
  return { clients, ledgers };
}

/** Runs the pipeline up to `until`; resumes from the run store in the config's out folder. */
export async function runPipeline(options: RunPipelineOptions): Promise<PipelineResult> {
  const { config, spec, signal } = options;
  let until = options.until ?? 'export';
  const reach = (stage: PipelineStage) => pipelineStages.indexOf(stage) <= pipelineStages.indexOf(until);
  const outDirectory = runOutDirectory(config, options.resolve);
  const startedAt = new Date();
  const stageSeconds: Record<string, number> = {};
  const timed = async <T>(stage: string, work: () => Promise<T> | T): Promise<T> => {
    const start = Date.now();
    try {
      return await work();
    } finally {
      stageSeconds[stage] = Math.round((Date.now() - start) / 100) / 10;
    }
  };
  const events = createRunEvents();
  // The streak breaker aborts the stages' signal; the error it stopped with is thrown after the stage returns.
  const breaker = new AbortController();
  let stopped: RoleUnavailableError | undefined;
  const watched = watchRoles(options, (error) => {
    stopped ??= error;
    breaker.abort(error);
  });
  const stageSignal = signal ? AbortSignal.any([signal, breaker.signal]) : breaker.signal;
  const allowFailures = options.allowFailures ?? config.failures.allowFailures;
  const problems: RoleUnavailableError[] = [];
  /** After a stage: a tripped streak stops the run; a role whose calls all failed, or over the allowance, fails it. */
  const checkRole = (role: string, plannedCalls?: number) => {
    if (stopped) throw stopped;
    throwIfCancelled(signal);
    const ledger = watched.ledgers.get(role)?.();
    if (!ledger) return;
    // Every call failed, or more than allowed: the outputs are still written (later stages have little or nothing to
    // do), then the command exits non-zero with the summary's first line saying why.
    const problem = checkRoleFailures(ledger, role === 'classifier' ? 1 : allowFailures, plannedCalls);
    if (problem) problems.push(problem);
  };
  const preflight = (role: string) => async () => {
    await options.preflight?.([role]);
  };
  const promptsPath = options.promptsFile ?? config.prompts;
  if (!promptsPath) {
    throw new ConfigError('no prompts file: set `prompts:` in deliberate.yaml', {
      location: options.configFile,
      hint: 'point `prompts` at a JSONL, CSV or Parquet file of prompts (see examples/prompts.jsonl)',
    });
  }
  const teacher = requireClient(watched.clients, 'teacher', 'generate');
  const judge = reach('judge') ? requireClient(watched.clients, 'judge', 'judge') : undefined;
  const template: GenerationTemplate = loadGenerationTemplate(
    config.generate.template ? options.resolve(config.generate.template) : undefined,
  );
  // Read before any work, so a bad judge template stops the run at once rather than after generation.
  const judgeTemplate: JudgeTemplate | undefined =
    judge && config.judge.template ? loadJudgeTemplate(options.resolve(config.judge.template)) : undefined;
  // One run per out folder (io/run-lock.ts): a second one stops here, before any work.
  const lock = acquireRunLock(outDirectory, until === 'export' ? 'deliberate run' : `deliberate ${until}`);
  if (lock.tookOverFrom) {
    const stale = lock.tookOverFrom;
    options.warn?.(
      `took over a stale lock of ${stale.command} (pid ${stale.pid} on ${stale.host}, started ${stale.startedAt}): that process is gone; resuming its work`,
    );
  }
  let store: ReturnType<typeof openRunStore>;
  try {
    store = openRunStore(path.join(outDirectory, 'run.sqlite'));
  } catch (error) {
    lock.release();
    throw error;
  }
  try {
    const intake = await timed('intake', () =>
      preparePrompts({
        file: options.resolve(promptsPath),
        settings: config.intake,
        resolve: options.resolve,
        skipInvalid: options.skipInvalid,
        events,
        reportFile: options.dryRun ? undefined : intakeReportFile(outDirectory),
      }),
    );
    for (const warning of intake.report.warnings) options.warn?.(warning);
    const concurrencyOf = (role: string) => config.models[role]?.concurrency ?? 8;
    const prompts: Prompt[] = await timed('categorise', () =>
      categorisePrompts({
        prompts: checkPromptFit(
          checkPromptCategories(options.shard ? promptsOfShard(intake.prompts, options.shard) : intake.prompts, spec, {
            skipInvalid: options.skipInvalid,
            events,
            locations: intake.locations,
          }),
          {
            spec,
            template,
            maxTokens: config.generate.maxTokens,
            ...teacherWindow(config, options.teacherWindow),
            skipInvalid: options.skipInvalid,
            events,
            locations: intake.locations,
          },
        ),
        spec,
        // A dry run sends nothing: unlabelled prompts are planned with the summary-only spec.
        classifier: options.dryRun ? undefined : watched.clients.classifier,
        store,
        events,
        concurrency: concurrencyOf('classifier'),
        signal: stageSignal,
        progress: options.progress,
        beforeFirstRequest: preflight('classifier'),
      }),
    );
    checkRole('classifier');
    const generationOptions = { prompts, spec, teacher, template, settings: config.generate };
    const units = generationUnits(generationOptions);
    const manifestFile = path.join(outDirectory, 'manifest.json');
    const plan = planRun({
      config,
      spec,
      template,
      units,
      store,
      manifestFile,
      ...(judge
        ? {
            judge: {
              client: judge,
              options: { settings: config.judge, template: judgeTemplate, threshold: config.select.threshold },
            },
          }
        : {}),
    });
    if (options.dryRun) {
      options.onPlan?.(plan);
      return dryRunResult(plan, prompts.length, manifestFile);
    }
    if (planHasChanges(plan)) options.onPlan?.(plan);
    const teacherFailures = new Map<string, { kind: 'transport-failure'; message: string }>();
    const records = await timed('generate', () =>
      generateSamples({
        ...generationOptions,
        store,
        events,
        concurrency: concurrencyOf('teacher'),
        signal: stageSignal,
        progress: options.progress,
        beforeFirstRequest: preflight('teacher'),
        transientFailures: teacherFailures,
      }),
    );
    checkRole('teacher', units.length);
    if (reach('judge') && options.stopAfter?.('generate')) until = 'generate';
    const validated = await timed('validate', () =>
      validateGenerations({ units, records, spec, settings: config.validate, events }),
    );
    let judged = new Map<string, JudgeRecord>();
    const judgeFailures = new Map<string, { kind: 'judge-error'; message: string }>();
    if (judge && reach('judge')) {
      judged = await timed('judge', () =>
        judgeSamples({
          validated,
          spec,
          judge,
          settings: config.judge,
          template: judgeTemplate,
          threshold: config.select.threshold,
          store,
          events,
          concurrency: concurrencyOf('judge'),
          signal: stageSignal,
          progress: options.progress,
          beforeFirstRequest: preflight('judge'),
          transientFailures: judgeFailures,
        }),
      );
      checkRole('judge', validated.filter((entry) => entry.findings.length === 0).length * config.judge.runs);
      if (reach('select') && options.stopAfter?.('judge')) until = 'judge';
    }
    const selection = reach('select')
      ? await timed('select', () => selectSamples({ validated, judged, settings: config.select, spec, events }))
      : undefined;
    let exports: { sft: ExportSummary; rl: ExportSummary } | undefined;
    if (selection) {
      // One row per sample unit, in unit order: a sample whose teacher call failed is a row too (status "failed",
      // reason generate:<kind>), so no sample disappears between the prompts and this file.
      const validatedById = new Map(validated.map((entry) => [entry.completion.id, entry]));
      writeJsonl(
        path.join(outDirectory, 'samples.jsonl'),
        units.map((unit) => {
          const record = records.get(unit.key);
          const entry = record?.completion ? validatedById.get(record.completion.id) : undefined;
          if (!entry) {
            const failure = record?.failure ?? teacherFailures.get(unit.key);
            return {
              completionId: null,
              promptId: unit.prompt.id,
              sampleIndex: unit.sampleIndex,
              categories: unit.prompt.categories,
              status: 'failed',
              // A transport failure of this run is not stored (counted; the next run retries it), but its message is kept.
              reason: `generate:${failure?.kind ?? 'transport-failure'}`,
              message: failure ? redactSecrets(failure.message) : null,
              findings: [],
              warnings: [],
              score: null,
              action: null,
              runsMade: 0,
              finishReason: null,
              reasoning: null,
              answer: null,
            };
          }
          const judgeRecord = judged.get(entry.completion.id);
          const reason = selection.rejections.get(entry.completion.id);
          return {
            completionId: entry.completion.id,
            promptId: entry.prompt.id,
            sampleIndex: entry.completion.sampleIndex,
            categories: entry.prompt.categories,
            status: reason === undefined ? 'accepted' : 'rejected',
            reason: reason ?? null,
            ...(judgeFailures.has(entry.completion.id)
              ? { message: redactSecrets(judgeFailures.get(entry.completion.id)!.message) }
              : {}),
            findings: entry.findings,
            // The backend's warnings (several think blocks, an unclosed one …): why `malformed-reasoning` rejected it.
            warnings: entry.completion.warnings ?? [],
            score: judgeRecord?.score ?? null,
            action: judgeRecord?.action ?? null,
            runsMade: judgeRecord?.runsMade ?? 0,
            finishReason: entry.completion.finishReason,
            reasoning: entry.completion.reasoning,
            answer: entry.completion.answer,
          };
        }),
      );
    }
    if (judge && reach('judge')) {
      // Every judge run of every judged completion (rejected ones included): a changed threshold needs no re-judging.
      // Written from the judge stage on, so `deliberate judge` leaves the verdicts to read.
      writeJsonl(
        path.join(outDirectory, 'judgements.jsonl'),
        validated.flatMap((entry) => {
          const judgeRecord = judged.get(entry.completion.id);
          return judgeRecord ? [judgeRecord] : [];
        }),
      );
    }
    const quality: QualityReport | undefined = selection
      ? checkRunQuality({
          examples: selection.examples,
          judged,
          spec,
          settings: config.quality,
          accepted: options.acceptQualityWarnings === true,
        })
      : undefined;
    const blocked = quality !== undefined && quality.tripped > 0 && !quality.accepted;
    if (selection && reach('export') && !blocked) {
      exports = await timed('export', () =>
        writeRunExports({
          examples: selection.examples,
          prompts,
          spec,
          settings: config.export,
          outDirectory,
          resolve: options.resolve,
          previousSpecHash: plan.previousSpecHash,
        }),
      );
    }
    const counts = {
      prompts: prompts.length,
      generations: validated.length,
      accepted: selection?.examples.length ?? 0,
      rejected: selection ? validated.length - selection.examples.length : 0,
      errors: Object.entries(events.totals())
        .filter(([kind]) => errorEventKinds.has(kind))
        .reduce((sum, [, amount]) => sum + amount, 0),
    };
    const manifest = buildManifest({
      config,
      spec,
      template,
      clients: options.clients,
      intake: intake.report,
      prompts,
      units,
      records,
      validated,
      judged,
      selection,
      exports,
      quality,
      events,
      counts,
      roleCalls: Object.fromEntries([...watched.ledgers].map(([role, ledger]) => [role, ledger()])),
      problems: problems.map((problem) => problem.message),
      until,
      startedAt,
      stageSeconds,
      toolVersion: options.toolVersion,
      configFile: options.configFile,
      outDirectory,
      manifestFile,
      storeFile: store.file,
    });
    writeManifest(manifestFile, manifest);
    if (blocked && reach('export')) throw qualityGateError(quality, manifestFile);
    return {
      manifest,
      plan,
      problems,
      summary: {
        status: problems.length > 0 ? 'failed' : 'complete',
        counts,
        outputs: { sft: exports?.sft.outFile ?? null, rl: exports?.rl.outFile ?? null, manifest: manifestFile },
        problems: problems.map((problem) => problem.format()),
      },
    };
  } finally {
    store.close();
    lock.release();
  }
}
