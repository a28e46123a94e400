/**
 * @module evals/benchmark-log
 * One benchmark's part of the eval log: what ran (dataset, items, transforms, graders, settings), its results in
 * plan order (arm × item × transform), and every arm's metrics with bootstrap intervals.
 */
import type { BenchmarkLog, EvalResult, MetricResult } from '../records/eval-log.js';
import type { EvalSettings } from '../records/eval-settings.js';
import { datasetHash } from './benchmark.js';
import type { CasePlan, PlannedCase } from './plan-cases.js';
import type { PreparedBenchmark } from './prepare-benchmarks.js';
import type { EvalTarget } from './run-eval.js';

export interface BenchmarkLogOptions {
  targets: readonly EvalTarget[];
  settings: EvalSettings;
  limit: number | undefined;
}

/** The log entry of one benchmark (sorts `results` into plan order). */
export function benchmarkLog(
  prepared: PreparedBenchmark,
  plan: CasePlan,
  results: EvalResult[],
  options: BenchmarkLogOptions,
): BenchmarkLog {
  const { benchmark, context, dataset, graders } = prepared;
  const metrics = armMetrics(prepared, plan, results, options);
  sortByPlan(results, plan.cases);
  return {
    name: benchmark.name,
    description: benchmark.description,
    datasetSource: dataset.source,
    datasetHash: datasetHash(dataset.items),
    datasetSize: dataset.items.length,
    items: plan.items,
    transforms: prepared.transforms.map((transform) => transform.name),
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
    metrics,
  };
}

/** Every arm's metrics over its own results. */
function armMetrics(
  { metrics }: PreparedBenchmark,
  plan: CasePlan,
  results: readonly EvalResult[],
  options: BenchmarkLogOptions,
): Record<string, MetricResult[]> {
  const items = new Map(plan.items.map((item) => [item.id, item]));
  const byArm: Record<string, MetricResult[]> = {};
  for (const target of options.targets) {
    const armResults = results.filter((result) => result.arm === target.name);
    byArm[target.name] = metrics.flatMap((metric) =>
      metric.compute({ items, results: armResults, bootstrap: options.settings.bootstrap }),
    );
  }
  return byArm;
}

/** Results arrive in finishing order; the log keeps them in the order of the plan. */
function sortByPlan(results: EvalResult[], cases: readonly PlannedCase[]): void {
  const order = new Map(
    cases.map((entry, index) => [`${entry.target.name}|${entry.item.id}|${entry.transform.name}`, index]),
  );
  results.sort(
    (a, b) =>
      (order.get(`${a.arm}|${a.itemId}|${a.transform}`) ?? 0) - (order.get(`${b.arm}|${b.itemId}|${b.transform}`) ?? 0),
  );
}
