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
import type { Grader } from '../grading/grader.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import type { ModelClient } from '../models/model-client.js';
import type { ArmRequestOptions, BenchmarkLog, EvalLog } from '../records/eval-log.js';
import type { EvalSettings } from '../records/eval-settings.js';
import type { Spec } from '../records/spec.js';
import type { Usage } from '../records/usage.js';
import type { Benchmark, RoleClient } from './benchmark.js';
import { benchmarkLog } from './benchmark-log.js';
import { buildEvalLog } from './build-eval-log.js';
import { readEvalJournal } from './eval-journal.js';
import { evalSpecSummary } from './eval-spec-summary.js';
import { planCases } from './plan-cases.js';
import { prepareBenchmarks } from './prepare-benchmarks.js';
import { runBenchmarkCases } from './run-benchmark-cases.js';

/** What the eval runs: the `eval:` section as parsed, with its benchmarks, spec, data files and dataset cache. */
export interface EvalSection {
  settings: EvalSettings;
  benchmarks: Benchmark[];
  spec: Spec | null;
  /** Data files by benchmark name, already resolved. */
  dataPaths: Record<string, string>;
  /** Folder for downloaded datasets. */
  cacheDir: string;
}

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
  /** `+ttd`: test-time deliberation with this many check rounds at most (evals/call-target.ts). */
  deliberation?: { passes: number };
}

/** The model clients per role: the arms, the grader and judge roles (null when not configured), the offline grader. */
export interface EvalClients {
  targets: EvalTarget[];
  grader: RoleClient | null;
  judge: RoleClient | null;
  offlineRefusalGrader: Grader;
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

/** How this run goes: where it writes, how much it runs, what it reports to. */
export interface EvalRunOptions {
  outDir: string;
  /** Evaluate a seeded sample of this many items per benchmark. */
  limit?: number;
  /** Cases in flight at once (each role's own limits still apply). Default 8. */
  concurrency?: number;
  /** The config as run, without secrets, for the log. */
  config: Record<string, unknown>;
  deliberateVersion: string;
  signal?: AbortSignal;
  onProgress?: (progress: EvalProgress) => void;
  /** Checks roles (models/preflight-roles.ts) after the benchmarks are prepared and before the first case; throws to
   * stop the eval. Called with the roles that have cases left (targets and the graders' roles). */
  preflight?: (roles: string[]) => Promise<void>;
  /** Downloads of public datasets, for tests. */
  fetch?: typeof fetch;
  /** Clock, for tests. */
  now?: () => Date;
}

export interface RunEvalResult {
  log: EvalLog;
  logFile: string;
}

/** The file names inside an eval out dir. */
export const evalLogFileName = 'eval-log.json';
export const evalJournalFileName = 'journal.jsonl';

/** Runs the benchmarks on every target and writes `<outDir>/eval-log.json`. */
export async function runEval(section: EvalSection, clients: EvalClients, run: EvalRunOptions): Promise<RunEvalResult> {
  const now = run.now ?? (() => new Date());
  const createdAt = now().toISOString();
  const journalFile = path.join(run.outDir, evalJournalFileName);
  mkdirSync(run.outDir, { recursive: true });
  const journal = readEvalJournal(journalFile);
  const specSummary = evalSpecSummary(section.spec, clients.targets);
  // Preflight: every benchmark's graders, data paths and datasets, then every role with work left, before any case.
  const prepared = await prepareBenchmarks({ ...section, ...clients, fetch: run.fetch, signal: run.signal });
  const { targets } = clients;
  const plans = prepared.map((entry) =>
    planCases(entry, { ...section, targets, limit: run.limit, specSummary, journal }),
  );
  const pendingRoles = new Set(plans.flatMap((plan) => plan.pendingRoles));
  if (pendingRoles.size > 0) await run.preflight?.([...pendingRoles]);
  const benchmarks: BenchmarkLog[] = [];
  const datasetWarnings: string[] = [];
  let stop: { error: unknown } | undefined;
  for (const [index, entry] of prepared.entries()) {
    const plan = plans[index]!;
    datasetWarnings.push(...entry.benchmark.warnings(entry.context, entry.dataset.items));
    const ran = await runBenchmarkCases(entry, plan.cases, { ...run, ...section, journal, journalFile });
    benchmarks.push(benchmarkLog(entry, plan, ran.results, { ...section, targets, limit: run.limit }));
    stop = ran.stop;
    if (stop) break;
  }
  const finishedAt = now().toISOString();
  const log = buildEvalLog({
    section,
    clients,
    run,
    benchmarks,
    datasetWarnings,
    stopped: !!stop,
    createdAt,
    finishedAt,
  });
  const logFile = path.join(run.outDir, evalLogFileName);
  writeFileAtomic(logFile, `${JSON.stringify(log, null, 2)}\n`);
  if (stop) throw stop.error;
  return { log, logFile };
}
