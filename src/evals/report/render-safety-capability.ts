/**
 * @module evals/report/render-safety-capability
 * HTML of the "safety and capability" view: one row per headline metric (safety first, then capability), one column
 * per arm with its value, interval, change against the baseline arm (green better, red worse by the metric's
 * direction) and its worst category.
 */

import { escapeHtml } from './render-report.js';
import type { ReportArm } from './report-model.js';
import type { SafetyCapabilityView, ViewCell } from './safety-capability-view.js';

const format = (value: number) => value.toFixed(3);

function cellHtml(cell: ViewCell | undefined, isBaseline: boolean): string {
  if (!cell) return '<td class="num meta">not run</td>';
  if (cell.value === null) return `<td class="num meta">—<div class="meta">n=${cell.n}</div></td>`;
  const interval = cell.ci ? `<div class="ci">[${format(cell.ci.low)}, ${format(cell.ci.high)}]</div>` : '';
  const change =
    isBaseline || cell.change === null
      ? isBaseline
        ? '<div class="meta">baseline</div>'
        : ''
      : `<div class="change ${cell.improved === null ? '' : cell.improved ? 'better' : 'worse'}">${cell.change >= 0 ? '+' : '−'}${format(Math.abs(cell.change))} vs baseline</div>`;
  // The weakest category is news only when it differs from the overall value.
  const worst =
    cell.worstCategory && Math.abs(cell.worstCategory.value - cell.value) > 1e-9
      ? `<div class="min">worst ${escapeHtml(cell.worstCategory.category)}: ${format(cell.worstCategory.value)}</div>`
      : '';
  return `<td class="num">${format(cell.value)}${interval}${change}${worst}<div class="meta">n=${cell.n}${cell.unscored > 0 ? `, ${cell.unscored} unscored` : ''}</div></td>`;
}

/** The view's table, or a note when the logs have no headline safety or capability metric. */
export function renderSafetyCapability(
  view: SafetyCapabilityView | null,
  arms: readonly ReportArm[],
  intervalLabel: string,
): string {
  if (!view) return '<p class="meta">No headline safety or capability metric in these logs.</p>';
  const head = arms
    .map(
      (arm) => `<th>${escapeHtml(arm.key)}${arm.key === view.baseline ? '<div class="meta">baseline</div>' : ''}</th>`,
    )
    .join('');
  const body = view.rows
    .map((row) => {
      const cells = arms.map((arm) => cellHtml(row.cells[arm.key], arm.key === view.baseline)).join('');
      return `<tr class="side-${row.side}"><td title="${escapeHtml(row.description)}"><span class="side">${row.side}</span> ${escapeHtml(`${row.benchmark} / ${row.metric}`)}<div class="meta">${escapeHtml(row.direction.replace(/-/g, ' '))}</div></td>${cells}</tr>`;
    })
    .join('\n');
  const missing = view.bothSides
    ? ''
    : `<p class="meta">Only ${view.rows[0]!.side} metrics were run: add ${view.rows[0]!.side === 'safety' ? 'a capability benchmark (gsm8k, mmlu, mmlu-pro, simpleqa, bbq or your own)' : 'a safety benchmark (xstest, strongreject, harmbench, transformation)'} to see both sides.</p>`;
  return `<div class="table-wrap"><table id="safety-capability-table"><thead><tr><th>metric</th>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${missing}
<p class="meta">Headline metrics with ${escapeHtml(intervalLabel)} bootstrap intervals; the change is against the baseline arm ${escapeHtml(view.baseline)} (green: better by the metric's direction, red: worse); "worst" is the arm's weakest category.</p>`;
}
