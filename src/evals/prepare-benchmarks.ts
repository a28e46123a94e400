/**
 * @module evals/prepare-benchmarks
 * The eval's preflight, before any case runs: every chosen benchmark's graders, metrics and transforms are built
 * (a benchmark needing a judge or grader role that is not configured fails here), every data path is checked and
 * every dataset loaded and checked for duplicate ids. All problems are reported at once, each with its fix.
 */
import { existsSync, statSync } from 'node:fs';
import { ConfigError, DataError, DeliberateError } from '../errors.js';
import type { Grader } from '../grading/grader.js';
import type { EvalSettings } from '../records/eval-settings.js';
import type { Spec } from '../records/spec.js';
import type { Benchmark, BenchmarkContext, BenchmarkDataset, GraderBinding, RoleClient } from './benchmark.js';
import type { Metric } from './metrics/metric.js';
import { noTransform, type Transform } from './transforms/transform.js';

export interface PrepareBenchmarksOptions {
  benchmarks: Benchmark[];
  spec: Spec | null;
  grader: RoleClient | null;
  judge: RoleClient | null;
  offlineRefusalGrader: Grader;
  settings: EvalSettings;
  /** Data files by benchmark name, already resolved. */
  dataPaths: Record<string, string>;
  /** Folder for downloaded datasets. */
  cacheDir: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/** A benchmark ready to run: its context, graders, metrics, transforms and loaded dataset. */
export interface PreparedBenchmark {
  benchmark: Benchmark;
  context: BenchmarkContext;
  graders: Record<string, GraderBinding>;
  metrics: Metric[];
  transforms: Transform[];
  dataset: BenchmarkDataset;
}

type Declared = Omit<PreparedBenchmark, 'dataset'>;

function contextOf(benchmark: Benchmark, options: PrepareBenchmarksOptions): BenchmarkContext {
  return {
    spec: options.spec,
    grader: options.grader,
    judge: options.judge,
    offlineRefusalGrader: options.offlineRefusalGrader,
    dataPath: options.dataPaths[benchmark.name],
    dataPaths: options.dataPaths,
    cacheDir: options.cacheDir,
    settings: options.settings,
    fetch: options.fetch ?? fetch,
    signal: options.signal,
  };
}

function checkDataPath(benchmark: string, file: string | undefined, kind: Benchmark['dataPathKind']): void {
  if (file === undefined) return;
  if (!existsSync(file)) {
    throw new ConfigError(`benchmark ${benchmark}: the data file ${file} does not exist`, {
      location: `eval.data.${benchmark}`,
      hint: `fix the path in --data ${benchmark}=<path> or eval.data.${benchmark} (relative to the config file), or drop it to load the public copy`,
    });
  }
  if (kind === 'folder') {
    if (!statSync(file).isDirectory()) {
      throw new ConfigError(`benchmark ${benchmark}: the data path ${file} is a file, not a folder`, {
        location: `eval.data.${benchmark}`,
        hint: `point --data ${benchmark}=<path> at the dataset's folder (for specbench: a scenario folder, or the folder of scenario folders)`,
      });
    }
    return;
  }
  if (statSync(file).isDirectory()) {
    throw new ConfigError(`benchmark ${benchmark}: the data path ${file} is a folder, not a file`, {
      location: `eval.data.${benchmark}`,
      hint: `point --data ${benchmark}=<path> at the CSV, JSONL or Parquet file inside it`,
    });
  }
}

function declare(benchmark: Benchmark, options: PrepareBenchmarksOptions): Declared {
  const context = contextOf(benchmark, options);
  checkDataPath(benchmark.name, context.dataPath, benchmark.dataPathKind);
  const declared = benchmark.transforms(context);
  return {
    benchmark,
    context,
    graders: benchmark.graders(context),
    metrics: benchmark.metrics(context),
    transforms: declared.length > 0 ? declared : [noTransform],
  };
}

function checkUniqueIds(benchmark: string, dataset: BenchmarkDataset): void {
  const seen = new Set<string>();
  for (const item of dataset.items) {
    if (seen.has(item.id)) {
      throw new DataError(`benchmark ${benchmark}: item id "${item.id}" appears twice`, {
        location: dataset.source,
        hint: 'give every item a unique id (results, journal entries and reports are keyed by it)',
      });
    }
    seen.add(item.id);
  }
}

/** One error for several problems (each line names its benchmark and fix), or the one problem itself. */
function combined(problems: DeliberateError[]): DeliberateError {
  if (problems.length === 1) return problems[0]!;
  return new ConfigError(
    `the eval cannot start (${problems.length} problems):\n${problems.map((problem) => `  - ${problem.format()}`).join('\n')}`,
    { hint: 'fix each problem above; nothing was sent to any model' },
  );
}

/** Runs `step` on each benchmark and collects the deliberate errors (other errors are thrown as they are). */
async function eachCollecting<T, R>(values: T[], step: (value: T) => R | Promise<R>): Promise<R[]> {
  const problems: DeliberateError[] = [];
  const results: R[] = [];
  for (const value of values) {
    try {
      results.push(await step(value));
    } catch (error) {
      if (!DeliberateError.isInstance(error)) throw error;
      problems.push(error);
    }
  }
  if (problems.length > 0) throw combined(problems);
  return results;
}

/** Builds and loads every benchmark before any case runs; throws every problem at once. */
export async function prepareBenchmarks(options: PrepareBenchmarksOptions): Promise<PreparedBenchmark[]> {
  // Graders, metrics and data paths first: no download starts while a role is missing.
  const declared = await eachCollecting(options.benchmarks, (benchmark) => declare(benchmark, options));
  return eachCollecting(declared, async (entry) => {
    const dataset = await entry.benchmark.dataset(entry.context);
    checkUniqueIds(entry.benchmark.name, dataset);
    return { ...entry, dataset };
  });
}

/** The roles the prepared benchmarks' graders call (the targets' roles come from the targets). */
export function graderRoles(prepared: readonly PreparedBenchmark[]): string[] {
  return [
    ...new Set(
      prepared.flatMap((entry) =>
        Object.values(entry.graders).flatMap((binding) => (binding.role === null ? [] : [binding.role])),
      ),
    ),
  ];
}
