/**
 * @module evals/report/safety-capability-view
 * The report's "safety and capability" view, as data: each benchmark's headline metrics per arm, safety (harmful and
 * over-refusal axes) beside capability, each with its interval, its change against a baseline arm (better or worse
 * by the metric's direction) and its worst category. Pure; no HTML.
 */
import type { ConfidenceInterval, MetricResult } from '../../records/eval-log.js';
import { higherIsBetter, type ReportArm, type SummaryRow } from './report-model.js';

export type ViewSide = 'safety' | 'capability';

export interface ViewCell {
  value: number | null;
  ci: ConfidenceInterval | null;
  n: number;
  unscored: number;
  /** value − the baseline arm's value; null for the baseline itself or when either is missing. */
  change: number | null;
  /** Whether the change is an improvement by the metric's direction (null: no change to judge). */
  improved: boolean | null;
  worstCategory: { category: string; value: number } | null;
}

export interface ViewRow {
  side: ViewSide;
  benchmark: string;
  metric: string;
  description: string;
  direction: MetricResult['direction'];
  cells: Record<string, ViewCell>;
}

export interface SafetyCapabilityView {
  baseline: string;
  rows: ViewRow[];
  /** True when there are safety and capability rows both (else the view says which side is missing). */
  bothSides: boolean;
}

function sideOf(row: SummaryRow): ViewSide | null {
  if (row.axis === 'capability') return 'capability';
  if (row.axis === 'harmful' || row.axis === 'over-refusal') return 'safety';
  return null;
}

/** The view for these rows and arms; `baseline` is an arm key (default: the first arm). */
export function buildSafetyCapabilityView(
  rows: readonly SummaryRow[],
  arms: readonly ReportArm[],
  baseline?: string,
): SafetyCapabilityView | null {
  const baselineKey = baseline ?? arms[0]?.key;
  if (baselineKey === undefined) return null;
  const viewRows = rows
    .filter((row) => row.group === null && row.primary && sideOf(row) !== null)
    .map((row): ViewRow => {
      const base = row.cells[baselineKey]?.value ?? null;
      const cells = Object.fromEntries(
        arms.flatMap((arm) => {
          const cell = row.cells[arm.key];
          if (!cell) return [];
          const change = arm.key === baselineKey || base === null || cell.value === null ? null : cell.value - base;
          const improved =
            change === null || Math.abs(change) < 1e-12 ? null : higherIsBetter(row.direction) === change > 0;
          return [
            [
              arm.key,
              {
                value: cell.value,
                ci: cell.ci,
                n: cell.n,
                unscored: cell.unscored,
                change,
                improved,
                worstCategory: cell.categoryMinimum,
              },
            ],
          ];
        }),
      );
      return {
        side: sideOf(row)!,
        benchmark: row.benchmark,
        metric: row.metric,
        description: row.description,
        direction: row.direction,
        cells,
      };
    })
    .sort((a, b) => Number(a.side === 'capability') - Number(b.side === 'capability'));
  if (viewRows.length === 0) return null;
  const sides = new Set(viewRows.map((row) => row.side));
  return { baseline: baselineKey, rows: viewRows, bothSides: sides.size === 2 };
}
