/**
 * @module evals/run-eval
 * Benchmarks × targets → one eval log. Every arm sees the same items; each item × transform × arm is generated,
 * decoded, graded and appended to the journal (so a re-run resumes), then metrics with bootstrap intervals are
 * computed per arm and the log is written atomically. A grader that cannot be reached stops the run loudly; Ctrl-C
 * stops new work and writes a `partial` log of what finished; an arm whose every target call failed on a benchmark
 * makes the log `failed`, with an error per such arm (`log.errors`).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, DeliberateError } from '../errors.js';
import { createGraderClient, type GraderClient } from '../grading/create-grader-client.js';
import type { GradeInput, Grader } from '../grading/grader.js';
import { countTokens } from '../io/count-tokens.js';
import { createWorkQueue } from '../io/work-queue.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import type { ModelClient } from '../models/model-client.js';
import type {
  ArmRequestOptions,
  BenchmarkLog,
  EvalArm,
  EvalItem,
  EvalLog,
  EvalResult,
  MetricResult,
} from '../records/eval-log.js';
import type { EvalSettings } from '../records/eval-settings.js';
import type { Grade } from '../records/grade.js';
import type { Message } from '../records/message.js';
import type { Spec } from '../records/spec.js';
import { addUsage, emptyUsage, type Usage } from '../records/usage.js';
import { specInContextMessages, specInContextText } from '../spec/spec-in-context.js';
import { type Benchmark, datasetHash, type GraderBinding, type RoleClient } from './benchmark.js';
import { appendEvalJournal, evalCaseKey, readEvalJournal } from './eval-journal.js';
import { evalErrors, evalWarnings } from './eval-warnings.js';
import { armRequestFields } from './parse-arm.js';
import { type PrepareBenchmarksOptions, type PreparedBenchmark, prepareBenchmarks } from './prepare-benchmarks.js';
import { createSeededRandom } from './seeded-random.js';
import { applyTransform, type Transform } from './transforms/transform.js';

/** One arm: a role's client, optionally with the spec's summary-only rendering as system message. */
export interface EvalTarget {
  name: string;
  role: string;
  client: ModelClient;
  specInContext: boolean;
  /** A compute arm's request options (`@effort=low`, `eval.arms`); default none. */
  requestOptions?: ArmRequestOptions;
  /** A display name for the report (`:label=…`). */
  label?: string | null;
}

export interface EvalProgress {
  benchmark: string;
  done: number;
  total: number;
  /** Of `done`, how many came from the journal of an earlier run. */
  resumed: number;
  failed: number;
  usage: Usage;
  elapsedMs: number;
}

/** The benchmarks and what they need (prepare-benchmarks.ts), plus the arms and the run's own settings. */
export interface RunEvalOptions extends PrepareBenchmarksOptions {
  targets: EvalTarget[];
  outDir: string;
  /** Evaluate a seeded sample of this many items per benchmark. */
  limit?: number;
  /** Cases in flight at once (each role's own limits still apply). Default 8. */
  concurrency?: number;
  /** The config as run, without secrets, for the log. */
  config: Record<string, unknown>;
  deliberateVersion: string;
  onProgress?: (progress: EvalProgress) => void;
  /** Clock, for tests. */
  now?: () => Date;
  /** Checks roles (models/preflight-roles.ts) after the benchmarks are prepared and before the first case; throws to
   * stop the eval. Called with the roles that have cases left (targets and the graders' roles). */
  preflight?: (roles: string[]) => Promise<void>;
}

export interface RunEvalResult {
  log: EvalLog;
  logFile: string;
}

/** The file names inside an eval out dir. */
export const evalLogFileName = 'eval-log.json';
export const evalJournalFileName = 'journal.jsonl';

/** A seeded sample of `limit` items, kept in dataset order (so a limited run still covers every kind of item). */
export function sampleItems(items: readonly EvalItem[], limit: number | undefined, seed: number): EvalItem[] {
  if (limit === undefined || limit >= items.length) return [...items];
  const random = createSeededRandom(seed);
  const order = items.map((_, index) => ({ index, key: random() }));
  order.sort((a, b) => a.key - b.key);
  const chosen = new Set(order.slice(0, limit).map((entry) => entry.index));
  return items.filter((_, index) => chosen.has(index));
}

/** Runs the benchmarks on every target and writes `<outDir>/eval-log.json`. */
export async function runEval(options: RunEvalOptions): Promise<RunEvalResult> {
  const now = options.now ?? (() => new Date());
  const createdAt = now().toISOString();
  const journalFile = path.join(options.outDir, evalJournalFileName);
  const logFile = path.join(options.outDir, evalLogFileName);
  mkdirSync(options.outDir, { recursive: true });
  const journal = readEvalJournal(journalFile);
  const specSummary = options.targets.some((target) => target.specInContext)
    ? options.spec
      ? specInContextText(options.spec, [])
      : null
    : null;
  if (options.targets.some((target) => target.specInContext) && specSummary === null) {
    throw new DeliberateError('a +spec target needs the spec, and none was loaded', {
      hint: 'set `spec:` in deliberate.yaml, or drop +spec from --targets',
    });
  }
  const arms: EvalArm[] = options.targets.map((target) => ({
    name: target.name,
    role: target.role,
    modelId: target.client.id,
    specInContext: target.specInContext,
    ...(target.requestOptions && Object.keys(target.requestOptions).length > 0
      ? { requestOptions: target.requestOptions }
      : {}),
    ...(target.label ? { label: target.label } : {}),
  }));
  const benchmarkLogs: BenchmarkLog[] = [];
  const datasetWarnings: string[] = [];
  let status: EvalLog['status'] = 'complete';
  let stopError: unknown;

  // Preflight: every benchmark's graders, data paths and datasets, then every role with work left, before any case.
  const prepared = await prepareBenchmarks(options);
  const planned = prepared.map((entry) => planCases(entry, options, specSummary, journal));
  const pendingRoles = new Set(planned.flatMap((plan) => plan.pendingRoles));
  if (pendingRoles.size > 0) await options.preflight?.([...pendingRoles]);

  for (const [index, { benchmark, context, dataset, transforms, graders, metrics }] of prepared.entries()) {
    const { items, cases } = planned[index]!;
    datasetWarnings.push(...benchmark.warnings(context, dataset.items));
    const results: EvalResult[] = [];
    const progress: EvalProgress = {
      benchmark: benchmark.name,
      done: 0,
      total: cases.length,
      resumed: 0,
      failed: 0,
      usage: emptyUsage,
      elapsedMs: 0,
    };
    const started = Date.now();
    const report = () => options.onProgress?.({ ...progress, elapsedMs: Date.now() - started });
    const graderClients = gradersOf(graders, options.signal);
    const queue = createWorkQueue(options.concurrency ?? 8);
    const onAbort = () => queue.stop(new CancelledError());
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();

    for (const { target, item, transform, transformed, messages, key } of cases) {
      const earlier = journal.get(key);
      if (earlier) {
        results.push(earlier.result);
        progress.done += 1;
        progress.resumed += 1;
        continue;
      }
      queue.add(async () => {
        const result = await runCase({ target, item, transform, transformed, messages, graderClients, options });
        if (queue.stopped && result.outcome.kind === 'cancelled') return;
        results.push(result);
        appendEvalJournal(journalFile, { schemaVersion: 1, key, benchmark: benchmark.name, result });
        progress.done += 1;
        if (result.outcome.kind !== 'success') progress.failed += 1;
        progress.usage = addUsage(progress.usage, addUsage(result.usage, result.graderUsage));
        report();
      });
    }
    report();
    try {
      await queue.done();
    } catch (error) {
      stopError = error;
      status = 'partial';
    }
    options.signal?.removeEventListener('abort', onAbort);

    const itemMap = new Map(items.map((item) => [item.id, item]));
    const metricsByArm: Record<string, MetricResult[]> = {};
    for (const arm of arms) {
      const armResults = results.filter((result) => result.arm === arm.name);
      metricsByArm[arm.name] = metrics.flatMap((metric) =>
        metric.compute({ items: itemMap, results: armResults, bootstrap: options.settings.bootstrap }),
      );
    }
    const order = new Map(
      cases.map((entry, index) => [`${entry.target.name}|${entry.item.id}|${entry.transform.name}`, index]),
    );
    results.sort(
      (a, b) =>
        (order.get(`${a.arm}|${a.itemId}|${a.transform}`) ?? 0) -
        (order.get(`${b.arm}|${b.itemId}|${b.transform}`) ?? 0),
    );
    benchmarkLogs.push({
      name: benchmark.name,
      description: benchmark.description,
      datasetSource: dataset.source,
      datasetHash: datasetHash(dataset.items),
      datasetSize: dataset.items.length,
      items,
      transforms: transforms.map((transform) => transform.name),
      graders: Object.entries(graders).map(([key, binding]) => ({
        key,
        graderId: binding.grader.id,
        role: binding.role,
        modelId: binding.modelId,
      })),
      settings: {
        ...benchmark.settings(context),
        ...(options.limit !== undefined ? { limit: options.limit, sampleSeed: options.settings.bootstrap.seed } : {}),
      },
      results,
      metrics: metricsByArm,
    });
    if (stopError !== undefined) break;
  }

  const allResults = benchmarkLogs.flatMap((benchmark) => benchmark.results);
  const targetUsage = allResults.reduce((sum, result) => addUsage(sum, result.usage), emptyUsage);
  const graderUsage = allResults.reduce((sum, result) => addUsage(sum, result.graderUsage), emptyUsage);
  // An arm whose every target call failed has no numbers at all: the run is not a result, whatever else finished.
  const errors = evalErrors({ benchmarks: benchmarkLogs, targets: options.targets });
  if (errors.length > 0 && status === 'complete') status = 'failed';
  const log: EvalLog = {
    schemaVersion: 1,
    kind: 'deliberate-eval-log',
    status,
    createdAt,
    finishedAt: now().toISOString(),
    deliberateVersion: options.deliberateVersion,
    config: options.config,
    spec: options.spec
      ? { id: options.spec.id, version: options.spec.version, hash: options.spec.hash, title: options.spec.title }
      : null,
    // The judge only when a benchmark graded with it: a configured judge the run never asked is not part of it.
    judge:
      options.judge &&
      benchmarkLogs.some((benchmark) => benchmark.graders.some((grader) => grader.role === options.judge!.role))
        ? { role: options.judge.role, modelId: options.judge.client.id }
        : null,
    arms,
    benchmarks: benchmarkLogs,
    warnings: [
      ...datasetWarnings,
      ...evalWarnings({
        benchmarks: benchmarkLogs,
        targets: options.targets,
        graders: [options.grader, options.judge].filter((entry): entry is RoleClient => entry !== null),
        status,
      }),
    ],
    ...(errors.length > 0 ? { errors } : {}),
    usage: { target: targetUsage, grader: graderUsage },
    bootstrap: options.settings.bootstrap,
  };
  writeFileAtomic(logFile, `${JSON.stringify(log, null, 2)}\n`);
  if (stopError !== undefined) throw stopError;
  return { log, logFile };
}

interface PlannedCase {
  target: EvalTarget;
  item: EvalItem;
  transform: Transform;
  transformed: Message[];
  messages: Message[];
  key: string;
}

/** The cases of one benchmark (arm × item × transform) with their journal keys, and the roles with work left. */
function planCases(
  prepared: PreparedBenchmark,
  options: RunEvalOptions,
  specSummary: string | null,
  journal: ReturnType<typeof readEvalJournal>,
): { items: EvalItem[]; cases: PlannedCase[]; pendingRoles: string[] } {
  const { benchmark, graders, transforms } = prepared;
  const items = sampleItems(prepared.dataset.items, options.limit, options.settings.bootstrap.seed);
  const graderIds = Object.entries(graders).map(([key, binding]) => `${key}:${binding.grader.id}:${binding.modelId}`);
  const cases = options.targets.flatMap((target) =>
    items.flatMap((item) =>
      transforms.map((transform) => {
        const transformed = applyTransform(item.messages, transform, {
          itemId: item.id,
          seed: options.settings.strongreject.seed,
        });
        const systemParts = [
          ...(target.specInContext && specSummary ? [specSummary] : []),
          ...(benchmark.systemPrompt ? [benchmark.systemPrompt] : []),
        ];
        const messages = specInContextMessages(transformed, systemParts);
        const key = evalCaseKey({
          benchmark: benchmark.name,
          arm: target.name,
          itemId: item.id,
          contentHash: item.contentHash,
          transform: transform.name,
          graderIds,
          messages,
          requestOptions:
            target.requestOptions && Object.keys(target.requestOptions).length > 0 ? target.requestOptions : undefined,
        });
        return { target, item, transform, transformed, messages, key };
      }),
    ),
  );
  const pending = cases.filter((entry) => !journal.has(entry.key));
  const pendingRoles =
    pending.length === 0
      ? []
      : [
          ...new Set(pending.map((entry) => entry.target.role)),
          ...Object.values(graders).flatMap((binding) => (binding.role === null ? [] : [binding.role])),
        ];
  return { items, cases, pendingRoles };
}

interface CaseInput {
  target: EvalTarget;
  item: EvalItem;
  transform: Transform;
  transformed: Message[];
  messages: Message[];
  graderClients: Record<string, GraderClient<GradeInput, Grade>>;
  options: RunEvalOptions;
}

/** One grader client per grader key: the client stops the run when a grader's model is unavailable. */
function gradersOf(
  graders: Record<string, GraderBinding>,
  signal: AbortSignal | undefined,
): Record<string, GraderClient<GradeInput, Grade>> {
  return Object.fromEntries(
    Object.entries(graders).map(([key, binding]) => [
      key,
      createGraderClient(binding.grader, { role: binding.role, modelId: binding.modelId, signal }),
    ]),
  );
}

async function runCase(input: CaseInput): Promise<EvalResult> {
  const { target, item, transform, options } = input;
  const outcome = await target.client.generate({
    messages: input.messages,
    maxTokens: options.settings.maxTokens,
    temperature: options.settings.temperature,
    // A compute arm's reasoning effort, chat template kwargs and token budget win over the eval defaults.
    ...armRequestFields(target.requestOptions ?? {}),
    signal: options.signal,
  });
  const base = {
    arm: target.name,
    itemId: item.id,
    transform: transform.name,
    messages: input.messages,
    cached: outcome.cached,
  };
  if (!outcome.ok) {
    if (outcome.kind === 'cancelled') throw new CancelledError();
    return {
      ...base,
      response: outcome.result ? { reasoning: outcome.result.reasoning, answer: outcome.result.answer } : null,
      decodedAnswer: null,
      outcome: { kind: outcome.kind, message: outcome.message },
      grades: {},
      latencyMs: outcome.result?.latencyMs ?? 0,
      usage: outcome.usage ?? outcome.result?.usage ?? emptyUsage,
      graderUsage: emptyUsage,
      reasoningTokens: null,
      reasoningTokensSource: null,
    };
  }
  const { result } = outcome;
  const decoded = transform.decode ? transform.decode(result.answer) : result.answer;
  const grades: EvalResult['grades'] = {};
  let graderUsage = emptyUsage;
  for (const [key, client] of Object.entries(input.graderClients)) {
    const grade = await client.grade(
      {
        itemId: item.id,
        messages: input.transformed,
        ...(transform.name === 'none' ? {} : { originalMessages: item.messages }),
        originalRequest: item.originalRequest,
        categories: [item.category],
        expectedAction: item.expectedAction ?? undefined,
        metadata: item.metadata,
        response: { reasoning: result.reasoning, answer: decoded },
      },
      { location: `item ${item.id} (grader ${key})` },
    );
    if (grade.usage) graderUsage = addUsage(graderUsage, grade.usage);
    grades[key] = grade;
  }
  // A grade cut short by Ctrl-C is not a finished case: leave it for the re-run.
  if (options.signal?.aborted) throw new CancelledError();
  return {
    ...base,
    response: { reasoning: result.reasoning, answer: result.answer },
    decodedAnswer: decoded === result.answer ? null : decoded,
    outcome: { kind: 'success' },
    grades,
    latencyMs: result.latencyMs,
    // Every attempt of the call (a larger-budget retry) counts, not only the last reply.
    usage: outcome.usage ?? result.usage,
    graderUsage,
    ...reasoningTokensOf(result.reasoning, outcome.usage ?? result.usage),
  };
}

/** Reasoning tokens of one answered call: as reported, else counted from the reasoning text, else none. */
export function reasoningTokensOf(
  reasoning: string | null,
  usage: Usage,
): Pick<EvalResult, 'reasoningTokens' | 'reasoningTokensSource'> {
  if (usage.reasoningTokens > 0) return { reasoningTokens: usage.reasoningTokens, reasoningTokensSource: 'reported' };
  if (reasoning && reasoning.trim() !== '')
    return { reasoningTokens: countTokens(reasoning), reasoningTokensSource: 'counted' };
  return { reasoningTokens: 0, reasoningTokensSource: 'none' };
}
