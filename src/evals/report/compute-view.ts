/**
 * @module evals/report/compute-view
 * The inference-compute views: each headline metric against the mean tokens the arm spent per item on that benchmark,
 * arms of one role joined into a curve — reasoning tokens (the paper's Figure 13) and completion tokens (every output
 * token, the draft, check and revise calls of a `+ttd` arm included: what test-time deliberation costs beside
 * training). Pure; the chart is in render-compute-chart.
 */
import type { EvalLog } from '../../records/eval-log.js';
import type { ReportArm, SummaryRow } from './report-model.js';

/** The mean tokens (of one measure) an arm spent per item on a benchmark. */
export interface MeanTokens {
  /** Mean over the arm's answered results on the benchmark. */
  mean: number;
  /** Answered results counted. */
  n: number;
  /**
   * Of n, how many counts were reported by the server (reasoning: the rest counted from the reasoning text, or none;
   * completion: always all of them).
   */
  reported: number;
}

/** Which tokens a compute view counts per result. */
export type TokenMeasure = 'reasoning' | 'completion';

type EvalResultOf = EvalLog['benchmarks'][number]['results'][number];

/**
 * One result's count: reasoning tokens as recorded (null when none was recorded), or the completion tokens the
 * server reported over all the result's calls — null when the call failed (its tokens say nothing of the arm's cost
 * to answer) or when the server reported none for a non-empty answer (no usage sent: unknown, not 0).
 */
function tokensOf(result: EvalResultOf, measure: TokenMeasure): { count: number; reported: boolean } | null {
  if (measure === 'completion') {
    const { response, usage } = result;
    if (response === null) return null;
    const wrote = response.answer !== '' || (response.reasoning ?? '') !== '';
    return usage.completionTokens === 0 && wrote ? null : { count: usage.completionTokens, reported: true };
  }
  if (result.reasoningTokens === null || result.reasoningTokens === undefined) return null;
  return { count: result.reasoningTokens, reported: result.reasoningTokensSource === 'reported' };
}

/** Mean tokens of the measure by arm key, then by benchmark; results without a count (failed calls, old logs) left out. */
export function tokensByArm(
  logs: ReadonlyArray<{ log: EvalLog }>,
  keyOf: (logIndex: number, armName: string) => string,
  measure: TokenMeasure,
): Record<string, Record<string, MeanTokens>> {
  const sums: Record<string, Record<string, { total: number; n: number; reported: number }>> = {};
  logs.forEach(({ log }, logIndex) => {
    for (const benchmark of log.benchmarks) {
      for (const result of benchmark.results) {
        const tokens = tokensOf(result, measure);
        if (tokens === null) continue;
        const armKey = keyOf(logIndex, result.arm);
        const byBenchmark = sums[armKey] ?? {};
        sums[armKey] = byBenchmark;
        const entry = byBenchmark[benchmark.name] ?? { total: 0, n: 0, reported: 0 };
        byBenchmark[benchmark.name] = entry;
        entry.total += tokens.count;
        entry.n += 1;
        if (tokens.reported) entry.reported += 1;
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

/** One series per headline metric that at least two arms have, with their mean tokens on its benchmark. */
export function computeSeries(
  rows: readonly SummaryRow[],
  arms: readonly ReportArm[],
  tokens: Record<string, Record<string, MeanTokens>>,
): ComputeSeries[] {
  return rows
    .filter((row) => row.group === null && row.primary)
    .map((row) => ({
      row,
      points: arms.flatMap((arm): ComputePoint[] => {
        const cell = row.cells[arm.key];
        const spent = tokens[arm.key]?.[row.benchmark];
        if (!cell || cell.value === null || !spent) return [];
        return [
          {
            arm: arm.key,
            role: arm.role,
            x: spent.mean,
            y: cell.value,
            yLow: cell.ci?.low ?? cell.value,
            yHigh: cell.ci?.high ?? cell.value,
          },
        ];
      }),
    }))
    .filter((series) => series.points.length >= 2);
}
