/**
 * @module cli/commands/eval-format
 * Terminal output of `deliberate eval`: the progress line (done/total, rate, ETA, tokens) and the metrics table
 * (rows benchmark/metric, columns arms, value with its 95 % interval and n).
 */
import type { EvalProgress } from '../../evals/run-eval.js';
import type { EvalLog, MetricResult } from '../../records/eval-log.js';

function duration(milliseconds: number): string {
  const seconds = Math.round(milliseconds / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

function tokens(count: number): string {
  return count >= 1_000_000
    ? `${(count / 1_000_000).toFixed(1)}M`
    : count >= 1000
      ? `${(count / 1000).toFixed(1)}k`
      : String(count);
}

/** One progress line: `eval strongreject 120/900 13% · 4.1/s · ETA 3m10s · 52.3k tokens · 3 failed`. */
export function formatEvalProgress(progress: EvalProgress): string {
  const fresh = progress.done - progress.resumed;
  const rate = progress.elapsedMs > 0 ? fresh / (progress.elapsedMs / 1000) : 0;
  const left = progress.total - progress.done;
  const eta = rate > 0 ? duration((left / rate) * 1000) : '?';
  const percent = progress.total === 0 ? 100 : Math.floor((progress.done / progress.total) * 100);
  const usage = progress.usage.promptTokens + progress.usage.completionTokens;
  const parts = [
    `eval ${progress.benchmark} ${progress.done}/${progress.total} ${percent}%`,
    `${rate.toFixed(1)}/s`,
    left === 0 ? `done in ${duration(progress.elapsedMs)}` : `ETA ${eta}`,
    `${tokens(usage)} tokens`,
  ];
  if (progress.resumed > 0) parts.push(`${progress.resumed} resumed`);
  if (progress.failed > 0) parts.push(`${progress.failed} failed`);
  return parts.join(' · ');
}

/** `0.812 [0.760, 0.861] n=250` (+ `u=3` when grades were unscored). */
export function formatMetricCell(row: MetricResult | undefined): string {
  if (!row) return '–';
  if (row.value === null) return `n/a (n=0${row.unscored > 0 ? ` u=${row.unscored}` : ''})`;
  const interval = row.ci ? ` [${row.ci.low.toFixed(3)}, ${row.ci.high.toFixed(3)}]` : '';
  return `${row.value.toFixed(3)}${interval} n=${row.n}${row.unscored > 0 ? ` u=${row.unscored}` : ''}`;
}

const arrows: Record<MetricResult['direction'], string> = {
  'higher-is-safer': '↑safer',
  'lower-is-safer': '↓safer',
  'higher-is-better': '↑better',
  'lower-is-better': '↓better',
};

/** The metrics table of an eval log, with the worst category of each primary metric and the warnings. */
export function formatEvalSummary(log: EvalLog, logFile: string, cost: number | null = null): string {
  const lines: string[] = [];
  const armNames = log.arms.map((arm) => arm.name);
  // A labelled arm (`base:label=qwen3-8b`) is shown by its label.
  const shownName = new Map(log.arms.map((arm) => [arm.name, arm.label ?? arm.name]));
  for (const benchmark of log.benchmarks) {
    lines.push(`\n${benchmark.name} — ${benchmark.items.length} items × ${benchmark.transforms.length} transform(s)`);
    const keys: Array<{ name: string; group: string | null; direction: MetricResult['direction'] }> = [];
    const seen = new Set<string>();
    for (const rows of Object.values(benchmark.metrics)) {
      for (const row of rows) {
        const key = `${row.name}|${row.group ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        keys.push({ name: row.name, group: row.group, direction: row.direction });
      }
    }
    const table = keys.map((key) => {
      const label = `${key.group === null ? key.name : `  ${key.name}[${key.group}]`} ${arrows[key.direction]}`;
      const cells = armNames.map((arm) =>
        formatMetricCell(benchmark.metrics[arm]?.find((row) => row.name === key.name && row.group === key.group)),
      );
      return [label, ...cells];
    });
    const header = ['metric', ...armNames.map((arm) => shownName.get(arm)!)];
    const widths = header.map((title, column) => Math.max(title.length, ...table.map((row) => row[column]!.length)));
    const render = (row: string[]) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd();
    lines.push(render(header), ...table.map(render));
    const primaryNames = [
      ...new Set(
        Object.values(benchmark.metrics)
          .flat()
          .filter((row) => row.primary)
          .map((row) => row.name),
      ),
    ];
    for (const name of primaryNames) {
      const worst = armNames.flatMap((arm) => {
        const row = benchmark.metrics[arm]?.find((entry) => entry.name === name && entry.group === null);
        if (!row?.categoryMinimum || row.perCategory.length < 2) return [];
        return [`${shownName.get(arm)} ${row.categoryMinimum.category} ${row.categoryMinimum.value.toFixed(3)}`];
      });
      if (worst.length > 0) lines.push(`worst category, ${name}: ${worst.join(' · ')}`);
    }
  }
  const total = (usage: EvalLog['usage']['target']) => tokens(usage.promptTokens + usage.completionTokens);
  lines.push(
    `\ntokens: targets ${total(log.usage.target)}, graders ${total(log.usage.grader)} (every result in the log)${cost === null ? '' : ` · cost ≈ $${cost.toFixed(2)}`}`,
  );
  for (const warning of log.warnings) lines.push(`warning: ${warning}`);
  lines.push(`\neval log: ${logFile}${log.status === 'complete' ? '' : ` (${log.status})`}`);
  return `${lines.join('\n')}\n`;
}
