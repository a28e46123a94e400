/**
 * @module evals/report/render-report
 * Eval logs → one self-contained HTML file: provenance header, warnings, the summary table (benchmark/metric × arm,
 * with bootstrap intervals at the logs' level and directions), charts (Observable Plot SVG) and a filterable table of items.
 * All model and user text is escaped; nothing is loaded from outside the file.
 */
import { ConfigError } from '../../errors.js';
import type { MetricResult } from '../../records/eval-log.js';
import { computeSeries } from './compute-view.js';
import type { LoadedEvalLog } from './read-eval-logs.js';
import { type Chart, isJailbreakBenchmark, renderCategoryCharts, renderParetoCharts } from './render-charts.js';
import { renderComputeCharts } from './render-compute-chart.js';
import { renderRuleBreakdown } from './render-rule-breakdown.js';
import { renderSafetyCapability } from './render-safety-capability.js';
import { reportScript, reportStyles } from './report-assets.js';
import {
  type BenchmarkFacts,
  buildReportModel,
  higherIsBetter,
  type ReportArm,
  type SummaryRow,
} from './report-model.js';
import { buildSafetyCapabilityView } from './safety-capability-view.js';

export interface RenderReportOptions {
  title?: string;
  /** ISO time written in the header; default now. */
  generatedAt?: string;
  /** The arm the "safety and capability" view compares against (an arm key); default the first arm. */
  baseline?: string;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON that is safe inside a <script type="application/json"> element (no `</script>`, no `<!--`). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function directionLabel(direction: MetricResult['direction']): string {
  return direction.replace(/-/g, ' ');
}

function formatNumber(value: number | null): string {
  return value === null ? '—' : value.toFixed(3);
}

function bestArm(row: SummaryRow): string | null {
  const entries = Object.entries(row.cells).filter(([, cell]) => cell.value !== null);
  if (entries.length < 2) return null;
  const higher = higherIsBetter(row.direction);
  entries.sort(([, a], [, b]) => (higher ? b.value! - a.value! : a.value! - b.value!));
  return entries[0]![1].value === entries[1]![1].value ? null : entries[0]![0];
}

function summaryCell(cell: MetricResult | undefined, best: boolean): string {
  if (!cell) return '<td class="num meta">not run</td>';
  const interval = cell.ci ? `<div class="ci">[${formatNumber(cell.ci.low)}, ${formatNumber(cell.ci.high)}]</div>` : '';
  const unscored = cell.unscored > 0 ? `, ${cell.unscored} unscored` : '';
  // The weakest category is news only when it is below (or above, for lower-is-better) the overall value.
  const minimum =
    cell.categoryMinimum && cell.value !== null && Math.abs(cell.categoryMinimum.value - cell.value) > 1e-9
      ? `<div class="min" title="weakest category">min ${escapeHtml(cell.categoryMinimum.category)}: ${formatNumber(cell.categoryMinimum.value)}</div>`
      : '';
  return `<td class="num${best ? ' best' : ''}">${formatNumber(cell.value)}${interval}<div class="meta">n=${cell.n}${unscored}</div>${minimum}</td>`;
}

function renderSummaryTable(rows: SummaryRow[], arms: ReportArm[], intervalLabel: string): string {
  if (rows.length === 0) return '<p class="meta">No metrics in these logs.</p>';
  const head = arms
    .map(
      (arm) =>
        `<th>${escapeHtml(arm.key)}<div class="meta">${arm.key === arm.name ? '' : `${escapeHtml(arm.name.replace(/:label=.*$/, ''))} · `}${escapeHtml(arm.modelId)}${arm.specInContext ? ' + spec in context' : ''}</div></th>`,
    )
    .join('');
  const body = rows
    .map((row) => {
      const best = bestArm(row);
      const arrow = higherIsBetter(row.direction) ? '↑' : '↓';
      const name = row.group === null ? `${row.benchmark} / ${row.metric}` : `${row.metric} · ${row.group}`;
      const cells = arms.map((arm) => summaryCell(row.cells[arm.key], best === arm.key)).join('');
      const rowClass = row.group !== null ? 'group' : row.primary ? 'primary' : '';
      return `<tr class="${rowClass}"><td title="${escapeHtml(row.description)}"><span class="dir" title="${escapeHtml(directionLabel(row.direction))}">${arrow}</span> ${escapeHtml(name)}<div class="meta">${escapeHtml(row.axis)} · ${escapeHtml(directionLabel(row.direction))}</div></td>${cells}</tr>`;
    })
    .join('\n');
  const groupRows = rows.filter((row) => row.group !== null).length;
  const toggle =
    groupRows === 0
      ? ''
      : `<label class="meta toggle"><input type="checkbox" id="toggle-groups"> show the ${groupRows} breakdown rows (per technique or group)</label>`;
  return `${toggle}<div class="table-wrap"><table id="summary-table"><thead><tr><th>benchmark / metric</th>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>
<p class="meta">Values with ${escapeHtml(intervalLabel)} bootstrap intervals over prompts; ↑ higher is safer or better, ↓ lower is. Green marks the best arm of a row; "min" is the arm's weakest category.</p>`;
}

function renderProvenance(logs: LoadedEvalLog[]): string {
  return logs
    .map(({ log, source }, index) => {
      const facts: Array<[string, string]> = [
        ['file', source],
        ['created', `${log.createdAt} → ${log.finishedAt} (${log.status})`],
        ['deliberate', log.deliberateVersion],
        ['spec', log.spec ? `${log.spec.title} · ${log.spec.id} v${log.spec.version} · hash ${log.spec.hash}` : 'none'],
        ['judge', log.judge ? `${log.judge.role}: ${log.judge.modelId}` : 'none used'],
        [
          'arms',
          log.arms
            .map(
              (arm) =>
                `${arm.label ? `${arm.label}: ` : ''}${arm.name} = ${arm.role} (${arm.modelId}${arm.specInContext ? ', spec in context' : ''})`,
            )
            .join('; '),
        ],
        ['bootstrap', `${log.bootstrap.resamples} resamples, seed ${log.bootstrap.seed}, level ${log.bootstrap.level}`],
      ];
      for (const benchmark of log.benchmarks) {
        const graders = benchmark.graders
          .map((grader) => `${grader.key}: ${grader.graderId}${grader.modelId ? ` on ${grader.modelId}` : ''}`)
          .join('; ');
        facts.push([
          `benchmark ${benchmark.name}`,
          `${benchmark.items.length} of ${benchmark.datasetSize} items from ${benchmark.datasetSource} · dataset sha256 ${benchmark.datasetHash} · graders ${graders || 'none'}`,
        ]);
      }
      const list = facts.map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`).join('');
      return `<h3>Run ${index + 1}</h3><dl class="facts">${list}</dl>`;
    })
    .join('\n');
}

function renderCharts(charts: Chart[], empty: string): string {
  if (charts.length === 0) return `<p class="meta">${escapeHtml(empty)}</p>`;
  return `<div class="charts">${charts
    .map(
      (chart) =>
        `<div class="chart"><h3>${escapeHtml(chart.title)}</h3>${chart.noData === undefined ? `${chart.markup}<p class="caption">${escapeHtml(chart.caption)}</p>` : `<p class="no-data">${escapeHtml(chart.noData)}</p>`}</div>`,
    )
    .join('\n')}</div>`;
}

/** Says so when no harmful-prompt headline metric comes from a jailbreak benchmark (the charts show plain prompts). */
function jailbreakSectionNote(rows: SummaryRow[], benchmarks: readonly BenchmarkFacts[]): string {
  const harmful = rows.filter((row) => row.group === null && row.primary && row.axis === 'harmful');
  if (harmful.length === 0) return '';
  if (harmful.some((row) => isJailbreakBenchmark(row.benchmark, { benchmarks }))) return '';
  const names = [...new Set(harmful.map((row) => row.benchmark))].join(', ');
  return `<p class="no-data">There is no jailbreak benchmark in this eval (none ran its prompts under jailbreak transforms; add strongreject). The charts below use ${escapeHtml(names)}: harmful prompts as written, which says nothing about robustness to jailbreaks.</p>`;
}

/** Renders eval logs as one self-contained HTML document. */
export function renderReport(logs: LoadedEvalLog[], options: RenderReportOptions = {}): string {
  const model = buildReportModel(logs);
  const title = options.title ?? 'deliberate eval report';
  const generatedAt = options.generatedAt ?? new Date().toISOString();
  // The interval level is a setting (eval.bootstrap.level): say the one the logs used, never a fixed 95 %.
  const intervalLabel = [...new Set(logs.map(({ log }) => `${Number((log.bootstrap.level * 100).toFixed(1))} %`))].join(
    ' / ',
  );
  const chartOptions = { intervalLabel, benchmarks: model.benchmarks };
  const pareto = renderParetoCharts(model.rows, model.arms, chartOptions);
  const categories = renderCategoryCharts(model.rows, model.arms, chartOptions);
  // --baseline names an arm by its column (label) or by its name as written on the command line.
  const baseline =
    options.baseline === undefined
      ? undefined
      : (
          model.arms.find((arm) => arm.key === options.baseline) ??
          model.arms.find((arm) => arm.name === options.baseline)
        )?.key;
  if (options.baseline !== undefined && baseline === undefined) {
    throw new ConfigError(`--baseline "${options.baseline}" is not an arm of these logs`, {
      hint: `choose one of: ${model.arms.map((arm) => arm.key).join(', ')}`,
    });
  }
  const safetyCapability = renderSafetyCapability(
    buildSafetyCapabilityView(model.rows, model.arms, baseline),
    model.arms,
    intervalLabel,
  );
  const computeCharts = renderComputeCharts(computeSeries(model.rows, model.arms, model.reasoning), model.arms, {
    intervalLabel,
  });
  const completionCharts = renderComputeCharts(computeSeries(model.rows, model.arms, model.completion), model.arms, {
    intervalLabel,
    measure: 'completion',
  });
  const specs = [
    ...new Set(
      logs.map(({ log }) =>
        log.spec ? `${log.spec.id} v${log.spec.version} (${log.spec.hash.slice(0, 12)})` : 'no spec',
      ),
    ),
  ];
  // The graders that graded something (a configured judge no benchmark used is not named).
  const graders = [...new Set(model.benchmarks.flatMap((benchmark) => benchmark.graders))];
  const gradersLine = graders.length === 0 ? 'no graders' : `graded by ${graders.join(', ')}`;
  const jailbreakNote = jailbreakSectionNote(model.rows, model.benchmarks);
  const warnings =
    model.warnings.length === 0
      ? ''
      : `<section class="warnings"><h2>Warnings</h2><ul>${model.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('')}</ul></section>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${reportStyles}</style>
</head>
<body>
<header class="top">
<h1>${escapeHtml(title)}</h1>
<div class="sub">spec ${escapeHtml(specs.join(', '))} · ${escapeHtml(gradersLine)} · ${logs.length} run${logs.length === 1 ? '' : 's'} · generated ${escapeHtml(generatedAt)}</div>
</header>
<main>
${warnings}
<section id="summary"><h2>Summary</h2>${renderSummaryTable(model.rows, model.arms, intervalLabel)}</section>
<section id="safety-capability"><h2>Safety and capability</h2>${safetyCapability}</section>
<section id="compute"><h2>Safety against reasoning tokens</h2>${renderCharts(computeCharts, 'Fewer than two arms have results with reasoning-token counts on one benchmark, so there is no compute curve (run one role at several settings, e.g. --targets base@effort=low,base@effort=high).')}</section>
<section id="completion-compute"><h2>Alignment against completion tokens</h2>${renderCharts(completionCharts, 'Fewer than two arms answered one benchmark, so there is nothing to compare (run base, base+spec, base+ttd and the trained model on one benchmark, e.g. --targets base,base+spec,base+ttd,trained).')}</section>
<section id="pareto"><h2>Over-refusal against jailbreak robustness</h2>${jailbreakNote}${renderCharts(pareto, 'No arm has both a harmful-prompt and an over-refusal headline metric, so there is no trade-off to plot.')}</section>
<section id="rules"><h2>Rules broken most</h2>${renderRuleBreakdown(model.rules, model.arms)}</section>
<section id="categories"><h2>By category</h2>${renderCharts(categories, 'No metric has per-category results.')}</section>
<section id="items"><h2>Items</h2>
<div class="filters">
<label>arm <select id="filter-arm"><option value="">all</option></select></label>
<label>benchmark <select id="filter-benchmark"><option value="">all</option></select></label>
<label>grade <select id="filter-grade"><option value="">all</option></select></label>
<label>search <input id="filter-search" type="search" placeholder="prompt, answer, id"></label>
<span id="items-count" class="meta"></span>
</div>
<div class="table-wrap"><table id="items-table"><thead><tr><th>arm</th><th>benchmark</th><th>item</th><th>prompt</th><th>reasoning</th><th>answer</th><th>grades</th></tr></thead><tbody id="items-body"></tbody></table></div>
<div class="pager"><button id="page-previous" type="button">← previous</button><button id="page-next" type="button">next →</button></div>
</section>
<section id="provenance"><h2>Provenance</h2>${renderProvenance(logs)}</section>
</main>
<script type="application/json" id="items-data">${jsonForScript(model.items)}</script>
<script>${reportScript}</script>
</body>
</html>
`;
}
