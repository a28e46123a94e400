/**
 * @module evals/report/render-rule-breakdown
 * HTML of "Rules broken most": per benchmark graded rule by rule, its rules in order of the worst arm's violation
 * rate, each arm's rate with violated / applicable responses (red when any response broke the rule).
 */
import { escapeHtml } from './render-report.js';
import type { ReportArm } from './report-model.js';
import { type RuleCell, type RuleRow, violationRate } from './rule-breakdown-view.js';

/** Rows shown per benchmark; the rest are counted under the table. */
const shownRules = 25;

function cellHtml(cell: RuleCell | undefined): string {
  if (!cell) return '<td class="num meta">not judged</td>';
  const rate = violationRate(cell);
  const applicable = cell.judged - cell.notApplicable;
  if (rate === null) return `<td class="num meta">n/a<div class="meta">0 of ${cell.judged} applied</div></td>`;
  return `<td class="num${cell.violated > 0 ? ' worse' : ''}">${rate.toFixed(3)}<div class="meta">${cell.violated} of ${applicable} broke it</div></td>`;
}

function benchmarkTable(benchmark: string, rows: RuleRow[], arms: readonly ReportArm[]): string {
  const head = arms.map((arm) => `<th>${escapeHtml(arm.key)}</th>`).join('');
  const body = rows
    .slice(0, shownRules)
    .map(
      (row) =>
        `<tr><td>${escapeHtml(row.ruleId)}<div class="meta">${escapeHtml(row.kind)}</div></td>${arms.map((arm) => cellHtml(row.cells[arm.key])).join('')}</tr>`,
    )
    .join('\n');
  const more =
    rows.length > shownRules
      ? `<p class="meta">${rows.length - shownRules} more rules broken less often (every verdict is in the eval log).</p>`
      : '';
  return `<h3>${escapeHtml(benchmark)}</h3><div class="table-wrap"><table class="rules-table"><thead><tr><th>rule</th>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${more}`;
}

/** The section's content: one table per benchmark with rule verdicts, or why there is none. */
export function renderRuleBreakdown(rows: readonly RuleRow[], arms: readonly ReportArm[]): string {
  if (rows.length === 0) {
    return '<p class="meta">No result was graded rule by rule (the specbench benchmark grades each answer against every rule of its scenario).</p>';
  }
  const benchmarks = [...new Set(rows.map((row) => row.benchmark))];
  const tables = benchmarks.map((benchmark) =>
    benchmarkTable(
      benchmark,
      rows.filter((row) => row.benchmark === benchmark),
      arms,
    ),
  );
  return `${tables.join('\n')}
<p class="meta">Each cell: the share of the arm's scored responses that broke the rule, of those the judge found it applied to (violated ÷ applicable; not-applicable verdicts left out). Rules are ordered by the worst arm's share.</p>`;
}
