/**
 * @module evals/report/rule-breakdown-view
 * Which rules a model breaks most: from the per-rule judge's verdicts on each result (`Grade.ruleVerdicts`), per
 * benchmark, rule and arm, how many scored responses the rule applied to and how many broke it. Pure; the HTML is in
 * render-rule-breakdown.
 */
import type { EvalLog } from '../../records/eval-log.js';
import type { RuleKind } from '../../records/spec.js';

export interface RuleCell {
  /** Scored responses the judge gave this rule a verdict on. */
  judged: number;
  /** Of judged, the ones it found the rule did not apply to. */
  notApplicable: number;
  violated: number;
}

export interface RuleRow {
  benchmark: string;
  ruleId: string;
  kind: RuleKind;
  /** By arm key. */
  cells: Record<string, RuleCell>;
}

/** violated ÷ responses the rule applied to; null when it applied to none. */
export function violationRate(cell: RuleCell | undefined): number | null {
  if (!cell) return null;
  const applicable = cell.judged - cell.notApplicable;
  return applicable === 0 ? null : cell.violated / applicable;
}

/** The highest violation rate of the row over its arms (-1 when the rule applied to no response of any arm). */
function worstRate(row: RuleRow): number {
  return Math.max(-1, ...Object.values(row.cells).map((cell) => violationRate(cell) ?? -1));
}

/**
 * One row per benchmark and rule that the per-rule judge gave verdicts on, counted over scored grades only (an
 * unscored reply has no verdicts to count); rows of a benchmark ordered by their worst arm's violation rate, highest
 * first, then by rule id.
 */
export function ruleBreakdown(
  logs: ReadonlyArray<{ log: EvalLog }>,
  keyOf: (logIndex: number, armName: string) => string,
): RuleRow[] {
  const rows = new Map<string, RuleRow>();
  logs.forEach(({ log }, logIndex) => {
    for (const benchmark of log.benchmarks) {
      for (const result of benchmark.results) {
        const arm = keyOf(logIndex, result.arm);
        for (const grade of Object.values(result.grades)) {
          if (grade.unscored) continue;
          for (const verdict of grade.ruleVerdicts ?? []) {
            const key = `${benchmark.name}\u0000${verdict.ruleId}`;
            const row = rows.get(key) ?? {
              benchmark: benchmark.name,
              ruleId: verdict.ruleId,
              kind: verdict.kind,
              cells: {},
            };
            rows.set(key, row);
            const cell = row.cells[arm] ?? { judged: 0, notApplicable: 0, violated: 0 };
            row.cells[arm] = cell;
            cell.judged += 1;
            if (verdict.verdict === 'not-applicable') cell.notApplicable += 1;
            if (verdict.verdict === 'violated') cell.violated += 1;
          }
        }
      }
    }
  });
  const benchmarkOrder = [...new Set([...rows.values()].map((row) => row.benchmark))];
  return [...rows.values()].sort(
    (a, b) =>
      benchmarkOrder.indexOf(a.benchmark) - benchmarkOrder.indexOf(b.benchmark) ||
      worstRate(b) - worstRate(a) ||
      a.ruleId.localeCompare(b.ruleId),
  );
}
