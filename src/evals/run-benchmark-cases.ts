/**
 * @module evals/run-benchmark-cases
 * Runs one benchmark's planned cases on the work queue: a case in the journal of an earlier run is taken as it is,
 * every other one is run, appended to the journal and reported as progress. The first error (an unavailable grader,
 * Ctrl-C) stops the queue; the cases that finished are returned with it.
 */
import { CancelledError } from '../errors.js';
import { createGraderClient, type GraderClient } from '../grading/create-grader-client.js';
import type { GradeInput } from '../grading/grader.js';
import { createWorkQueue } from '../io/work-queue.js';
import type { EvalResult } from '../records/eval-log.js';
import type { EvalSettings } from '../records/eval-settings.js';
import type { Grade } from '../records/grade.js';
import { addUsage, emptyUsage } from '../records/usage.js';
import type { GraderBinding } from './benchmark.js';
import { appendEvalJournal, type readEvalJournal } from './eval-journal.js';
import type { PlannedCase } from './plan-cases.js';
import type { PreparedBenchmark } from './prepare-benchmarks.js';
import { runCase } from './run-case.js';
import type { EvalProgress } from './run-eval.js';

export interface RunBenchmarkCasesOptions {
  journal: ReturnType<typeof readEvalJournal>;
  journalFile: string;
  settings: EvalSettings;
  /** Cases in flight at once. Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: EvalProgress) => void;
}

export interface BenchmarkCasesResult {
  /** In the order they finished (journal entries first). */
  results: EvalResult[];
  /** Set when the queue stopped: the error to throw once the log is written. */
  stop?: { error: unknown };
}

/** Runs the cases not in the journal; returns every finished case's result. */
export async function runBenchmarkCases(
  { benchmark, graders }: PreparedBenchmark,
  cases: readonly PlannedCase[],
  options: RunBenchmarkCasesOptions,
): Promise<BenchmarkCasesResult> {
  const results: EvalResult[] = [];
  const progress = caseProgress(benchmark.name, cases.length, options.onProgress);
  const caseOptions = { graderClients: graderClientsOf(graders, options.signal), ...options };
  const queue = createWorkQueue(options.concurrency ?? 8);
  const onAbort = () => queue.stop(new CancelledError());
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  for (const planned of cases) {
    const earlier = options.journal.get(planned.key);
    if (earlier) {
      results.push(earlier.result);
      progress.resumed();
      continue;
    }
    queue.add(async () => {
      const result = await runCase(planned, caseOptions);
      if (queue.stopped && result.outcome.kind === 'cancelled') return;
      results.push(result);
      appendEvalJournal(options.journalFile, { schemaVersion: 1, key: planned.key, benchmark: benchmark.name, result });
      progress.finished(result);
    });
  }
  progress.report();
  try {
    await queue.done();
    return { results };
  } catch (error) {
    return { results, stop: { error } };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** One benchmark's progress: cases taken from the journal, cases finished (reported as each one ends). */
function caseProgress(benchmark: string, total: number, onProgress: RunBenchmarkCasesOptions['onProgress']) {
  const progress = { benchmark, done: 0, total, resumed: 0, failed: 0, usage: emptyUsage };
  const started = Date.now();
  const report = () => onProgress?.({ ...progress, elapsedMs: Date.now() - started });
  return {
    report,
    resumed() {
      progress.done += 1;
      progress.resumed += 1;
    },
    finished(result: EvalResult) {
      progress.done += 1;
      if (result.outcome.kind !== 'success') progress.failed += 1;
      progress.usage = addUsage(progress.usage, addUsage(result.usage, result.graderUsage));
      report();
    },
  };
}

/** One grader client per grader key: the client stops the run when a grader's model is unavailable. */
function graderClientsOf(
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
