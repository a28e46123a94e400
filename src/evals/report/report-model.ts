/**
 * @module evals/report/report-model
 * Turns eval logs into what the report shows: arms (columns), summary rows (benchmark/metric), chart points and item
 * rows. Pure; no HTML.
 */
import type { EvalLog, MetricResult } from '../../records/eval-log.js';
import { type MeanTokens, tokensByArm } from './compute-view.js';
import type { LoadedEvalLog } from './read-eval-logs.js';
import { type RuleRow, ruleBreakdown } from './rule-breakdown-view.js';

export interface ReportArm {
  /**
   * Column name: the arm's label (`:label=…`) or else its name; when two arms would share one, the arm name (a shared
   * label) or the run number (a shared name) tells them apart.
   */
  key: string;
  logIndex: number;
  name: string;
  label: string | null;
  /** The config role behind the arm (compute arms of one role form one curve). */
  role: string;
  modelId: string;
  specInContext: boolean;
}

export interface SummaryRow {
  benchmark: string;
  metric: string;
  group: string | null;
  description: string;
  direction: MetricResult['direction'];
  axis: MetricResult['axis'];
  primary: boolean;
  /** By arm key. */
  cells: Record<string, MetricResult>;
}

export interface ItemRow {
  arm: string;
  benchmark: string;
  itemId: string;
  category: string;
  transform: string;
  prompt: string;
  reasoning: string | null;
  answer: string | null;
  decodedAnswer: string | null;
  outcome: string;
  grades: Array<{ key: string; label: string | null; value: number | null; unscored: boolean; note: string }>;
}

/** What a benchmark of one log ran, for saying why a chart of it has nothing to draw. */
export interface BenchmarkFacts {
  logIndex: number;
  name: string;
  cases: number;
  results: number;
  /** Results whose target call failed. */
  failedCalls: number;
  grades: number;
  /** Unscored grades by reason. */
  unscored: Record<string, number>;
  /** The graders that graded it, as `id on model`. */
  graders: string[];
  /** Its prompts ran under jailbreak transforms (a transform other than `none`). */
  jailbreak: boolean;
}

export interface ReportModel {
  arms: ReportArm[];
  benchmarks: BenchmarkFacts[];
  rows: SummaryRow[];
  items: ItemRow[];
  warnings: string[];
  /** Mean reasoning tokens per item, by arm key and benchmark (the compute view's x axis). */
  reasoning: Record<string, Record<string, MeanTokens>>;
  /** Mean completion tokens per item (all of a result's calls), by arm key and benchmark. */
  completion: Record<string, Record<string, MeanTokens>>;
  /** Per benchmark and rule, how often each arm broke it (from the per-rule judge's verdicts). */
  rules: RuleRow[];
}

/** True when larger values of the metric are better or safer. */
export function higherIsBetter(direction: MetricResult['direction']): boolean {
  return direction === 'higher-is-safer' || direction === 'higher-is-better';
}

/** Caps very long model text so one item cannot make the report unreadable; says how much was cut. */
export function capText(text: string | null, limit = 20_000): string | null {
  if (text === null || text.length <= limit) return text;
  return `${text.slice(0, limit)}\n… (${text.length - limit} more characters in the eval log)`;
}

function armKeys(logs: LoadedEvalLog[]): ReportArm[] {
  const arms = logs.flatMap(({ log }, logIndex) =>
    log.arms.map((arm) => ({
      logIndex,
      name: arm.name,
      label: arm.label ?? null,
      role: arm.role,
      modelId: arm.modelId,
      specInContext: arm.specInContext,
    })),
  );
  const count = (keys: string[]) => {
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    return counts;
  };
  const wanted = arms.map((arm) => arm.label ?? arm.name);
  const wantedCounts = count(wanted);
  const keys = arms.map((arm, index) => {
    if (wantedCounts.get(wanted[index]!)! === 1) return wanted[index]!;
    return arm.label === null ? `${arm.name} (run ${arm.logIndex + 1})` : `${arm.label} (${arm.name})`;
  });
  // Still shared (one label for one arm name in two runs): the run number settles it.
  const keyCounts = count(keys);
  return arms.map((arm, index) => {
    const key = keyCounts.get(keys[index]!)! === 1 ? keys[index]! : `${keys[index]!} (run ${arm.logIndex + 1})`;
    return { key, ...arm };
  });
}

function benchmarkFacts(benchmark: EvalLog['benchmarks'][number], logIndex: number): BenchmarkFacts {
  const unscored: Record<string, number> = {};
  let grades = 0;
  for (const result of benchmark.results) {
    for (const grade of Object.values(result.grades)) {
      grades += 1;
      if (!grade.unscored) continue;
      const reason = grade.unscoredReason ?? 'no reason given';
      unscored[reason] = (unscored[reason] ?? 0) + 1;
    }
  }
  return {
    logIndex,
    name: benchmark.name,
    cases: benchmark.items.length,
    results: benchmark.results.length,
    failedCalls: benchmark.results.filter((result) => result.outcome.kind !== 'success').length,
    grades,
    unscored,
    graders: benchmark.graders.map((grader) => `${grader.graderId}${grader.modelId ? ` on ${grader.modelId}` : ''}`),
    jailbreak: benchmark.transforms.some((transform) => transform !== 'none'),
  };
}

/**
 * Why a benchmark's charts have nothing to draw, in words: no cases, no results, every target call failed, or every
 * grade unscored (with the reasons and the graders). Null when it has scored grades.
 */
export function noDataReason(facts: readonly BenchmarkFacts[], benchmark: string): string | null {
  const runs = facts.filter((entry) => entry.name === benchmark);
  if (runs.length === 0) return `${benchmark} was not run`;
  const reasons = runs.map((entry): string | null => {
    if (entry.cases === 0) return `${benchmark} has 0 cases (the data or --limit left none)`;
    if (entry.results === 0) return `${benchmark} has no results (the eval stopped before it)`;
    if (entry.failedCalls === entry.results) return `every target call on ${benchmark} failed`;
    const unscored = Object.values(entry.unscored).reduce((sum, count) => sum + count, 0);
    if (entry.grades > 0 && unscored === entry.grades) {
      const why = Object.entries(entry.unscored)
        .map(([reason, count]) => `${count} ${reason}`)
        .join(', ');
      return `every grade of ${benchmark} is unscored (${why}; grader ${entry.graders.join(', ') || 'none'}): the grader could not grade`;
    }
    return null;
  });
  return reasons.every((reason) => reason !== null) ? [...new Set(reasons)].join('; ') : null;
}

function lastUserMessage(messages: EvalLog['benchmarks'][number]['results'][number]['messages']): string {
  return [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
}

/** Builds the report's rows and items from one or more eval logs. */
export function buildReportModel(logs: LoadedEvalLog[]): ReportModel {
  const arms = armKeys(logs);
  const keyOf = (logIndex: number, name: string) =>
    arms.find((arm) => arm.logIndex === logIndex && arm.name === name)?.key ?? name;
  const rowsByKey = new Map<string, SummaryRow>();
  const items: ItemRow[] = [];
  const warnings: string[] = [];

  logs.forEach(({ log, source }, logIndex) => {
    const prefix = logs.length > 1 ? `run ${logIndex + 1}: ` : '';
    if (log.status === 'partial')
      warnings.push(`${prefix}${source} is a partial run (cancelled or stopped early); missing results are absent`);
    if (log.status === 'failed') warnings.push(`${prefix}${source} is a failed run: some arm has no scored item`);
    for (const error of log.errors ?? []) warnings.push(`${prefix}error: ${error}`);
    for (const warning of log.warnings) warnings.push(`${prefix}${warning}`);
    for (const benchmark of log.benchmarks) {
      for (const [armName, metrics] of Object.entries(benchmark.metrics)) {
        for (const metric of metrics) {
          const rowKey = `${benchmark.name}\u0000${metric.name}\u0000${metric.group ?? ''}`;
          let row = rowsByKey.get(rowKey);
          if (!row) {
            row = {
              benchmark: benchmark.name,
              metric: metric.name,
              group: metric.group,
              description: metric.description,
              direction: metric.direction,
              axis: metric.axis,
              primary: metric.primary,
              cells: {},
            };
            rowsByKey.set(rowKey, row);
          }
          row.cells[keyOf(logIndex, armName)] = metric;
        }
      }
      const itemsById = new Map(benchmark.items.map((item) => [item.id, item]));
      for (const result of benchmark.results) {
        const item = itemsById.get(result.itemId);
        items.push({
          arm: keyOf(logIndex, result.arm),
          benchmark: benchmark.name,
          itemId: result.itemId,
          category: item?.category ?? '',
          transform: result.transform,
          prompt: capText(lastUserMessage(result.messages)) ?? '',
          reasoning: capText(result.response?.reasoning ?? null),
          answer: capText(result.response?.answer ?? null),
          decodedAnswer: capText(result.decodedAnswer),
          outcome: result.outcome.kind,
          grades: Object.entries(result.grades).map(([key, grade]) => ({
            key,
            label: grade.label,
            value: grade.value,
            unscored: grade.unscored,
            note: grade.unscoredReason ?? grade.explanation ?? '',
          })),
        });
      }
    }
  });

  const rows = [...rowsByKey.values()];
  const benchmarkOrder = [...new Set(rows.map((row) => row.benchmark))];
  rows.sort(
    (a, b) =>
      benchmarkOrder.indexOf(a.benchmark) - benchmarkOrder.indexOf(b.benchmark) ||
      Number(b.primary) - Number(a.primary) ||
      Number(a.group !== null) - Number(b.group !== null),
  );
  const axes = new Set(rows.filter((row) => row.group === null).map((row) => row.axis));
  if (axes.has('harmful') && !axes.has('over-refusal'))
    warnings.push('single-axis report: harmful-prompt results without an over-refusal measure beside them');
  if (axes.has('over-refusal') && !axes.has('harmful'))
    warnings.push('single-axis report: over-refusal results without a harmful-prompt measure beside them');
  const benchmarks = logs.flatMap(({ log }, logIndex) =>
    log.benchmarks.map((benchmark) => benchmarkFacts(benchmark, logIndex)),
  );
  return {
    arms,
    benchmarks,
    rows,
    items,
    warnings: [...new Set(warnings)],
    reasoning: tokensByArm(logs, keyOf, 'reasoning'),
    completion: tokensByArm(logs, keyOf, 'completion'),
    rules: ruleBreakdown(logs, keyOf),
  };
}
