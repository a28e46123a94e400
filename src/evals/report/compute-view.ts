/**
 * @module evals/report/compute-view
 * The inference-compute view (the paper's Figure 13): each headline metric against the mean reasoning tokens the arm
 * spent per item on that benchmark, arms of one role joined into a curve. Pure; the chart is in render-compute-chart.
 */
import type { EvalLog } from '../../records/eval-log.js';
import type { ReportArm, SummaryRow } from './report-model.js';

export interface ReasoningTokens {
  /** Mean over the arm's answered results on the benchmark. */
  mean: number;
  /** Answered results counted. */
  n: number;
  /** Of n, how many counts were reported by the server (the rest counted from the reasoning text, or none). */
  reported: number;
}

/** Mean reasoning tokens by arm key, then by benchmark; results without a count (failed calls, old logs) left out. */
export function reasoningTokensByArm(
  logs: ReadonlyArray<{ log: EvalLog }>,
  keyOf: (logIndex: number, armName: string) => string,
): Record<string, Record<string, ReasoningTokens>> {
  const sums: Record<string, Record<string, { total: number; n: number; reported: number }>> = {};
  logs.forEach(({ log }, logIndex) => {
    for (const benchmark of log.benchmarks) {
      for (const result of benchmark.results) {
        if (result.reasoningTokens === null || result.reasoningTokens === undefined) continue;
        const armKey = keyOf(logIndex, result.arm);
        const byBenchmark = sums[armKey] ?? {};
        sums[armKey] = byBenchmark;
        const entry = byBenchmark[benchmark.name] ?? { total: 0, n: 0, reported: 0 };
        byBenchmark[benchmark.name] = entry;
        entry.total += result.reasoningTokens;
        entry.n += 1;
        if (result.reasoningTokensSource === 'reported') entry.reported += 1;
      }
    }
  });
  return Object.fromEntries(
    Object.entries(sums).map(([arm, byBenchmark]) => [
      arm,
      Object.fromEntries(
        Object.entries(byBenchmark).map(([name, entry]) => [
          name,
          { mean: entry.total / entry.n, n: entry.n, reported: entry.reported },
        ]),
      ),
    ]),
  );
}

export interface ComputePoint {
  arm: string;
  /** Arms of one role form one curve. */
  role: string;
  x: number;
  y: number;
  yLow: number;
  yHigh: number;
}

export interface ComputeSeries {
  row: SummaryRow;
  points: ComputePoint[];
}

/** One series per headline metric that at least two arms have, with their mean reasoning tokens on its benchmark. */
export function computeSeries(
  rows: readonly SummaryRow[],
  arms: readonly ReportArm[],
  reasoning: Record<string, Record<string, ReasoningTokens>>,
): ComputeSeries[] {
  return rows
    .filter((row) => row.group === null && row.primary)
    .map((row) => ({
      row,
      points: arms.flatMap((arm): ComputePoint[] => {
        const cell = row.cells[arm.key];
        const tokens = reasoning[arm.key]?.[row.benchmark];
        if (!cell || cell.value === null || !tokens) return [];
        return [
          {
            arm: arm.key,
            role: arm.role,
            x: tokens.mean,
            y: cell.value,
            yLow: cell.ci?.low ?? cell.value,
            yHigh: cell.ci?.high ?? cell.value,
          },
        ];
      }),
    }))
    .filter((series) => series.points.length >= 2);
}
