/**
 * What a bench file reports: figures, each a value beside a baseline measured in the same run, and the ratio of the
 * two. `bench/run.ts` collects them into bench/results.json and the table in BENCHMARKS.md.
 *
 * To add a bench: write `bench/<name>.bench.ts` exporting `run(bench: Bench): Promise<void>` and call
 * `bench.figure({...})` for each number (see BENCHMARKS.md, "Adding a bench").
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface BenchGoal {
  /** Which number the goal is about: the ratio (default) or the value itself. */
  of?: 'ratio' | 'value';
  atLeast?: number;
  atMost?: number;
}

export interface BenchFigureInput {
  /** Stable id, `<bench>.<what>`, e.g. `throughput.latency200.ideal-share`. */
  id: string;
  /** One line: what was measured, on what workload. */
  what: string;
  value: number;
  unit: string;
  /** The same-run baseline the value is compared with. */
  baseline: { what: string; value: number; unit?: string };
  /** value ÷ baseline by default; give it when the meaningful ratio is the other way round (e.g. baseline ÷ value). */
  ratio?: number;
  goal?: BenchGoal;
  /** Anything a reader needs to judge the figure (counts, failures, caveats). */
  notes?: string;
}

export interface BenchFigure extends BenchFigureInput {
  bench: string;
  ratio: number;
  /** Whether the goal is met; absent when the figure has no goal. */
  met?: boolean;
}

export interface Bench {
  /** The bench file's name without `.bench.ts`. */
  readonly name: string;
  /** Records one figure (and prints it). */
  figure(input: BenchFigureInput): BenchFigure;
  /** Prints a line that is not a figure. */
  log(line: string): void;
}

export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  platform: string;
  node: string;
  /** Load average (1, 5, 15 min) when the run started and ended: other work on the machine slows every figure. */
  loadAtStart: number[];
  loadAtEnd?: number[];
  commit?: string;
  date: string;
}

export function machineInfo(): MachineInfo {
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    commit = undefined;
  }
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    loadAtStart: os.loadavg().map((value) => Number(value.toFixed(2))),
    commit,
    date: new Date().toISOString(),
  };
}

export function goalMet(figure: Pick<BenchFigure, 'value' | 'ratio' | 'goal'>): boolean | undefined {
  const goal = figure.goal;
  if (!goal) return undefined;
  const number = goal.of === 'value' ? figure.value : figure.ratio;
  if (!Number.isFinite(number)) return false;
  if (goal.atLeast !== undefined && number < goal.atLeast) return false;
  if (goal.atMost !== undefined && number > goal.atMost) return false;
  return true;
}

export function createBench(name: string, figures: BenchFigure[], write: (line: string) => void): Bench {
  return {
    name,
    figure(input) {
      const ratio = input.ratio ?? input.value / input.baseline.value;
      const figure: BenchFigure = { bench: name, ...input, ratio };
      const met = goalMet(figure);
      if (met !== undefined) figure.met = met;
      figures.push(figure);
      write(
        `${input.id}: ${formatNumber(input.value)} ${input.unit} vs ${input.baseline.what} ${formatNumber(input.baseline.value)} ${input.baseline.unit ?? input.unit} → ratio ${formatNumber(ratio)}${met === undefined ? '' : met ? ' (goal met)' : ' (goal NOT met)'}`,
      );
      return figure;
    },
    log: write,
  };
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function formatGoal(goal: BenchGoal | undefined, unit: string): string {
  if (!goal) return '';
  const suffix = goal.of === 'value' ? ` ${unit}` : '×';
  const parts = [
    goal.atLeast !== undefined ? `≥ ${goal.atLeast}${suffix}` : '',
    goal.atMost !== undefined ? `≤ ${goal.atMost}${suffix}` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

/** The Markdown table of BENCHMARKS.md: one row per figure, with the machine it ran on. */
export function renderBenchTable(figures: readonly BenchFigure[], machine: MachineInfo): string {
  const rows = figures.map((figure) => {
    const status = figure.met === undefined ? '' : figure.met ? 'met' : '**not met**';
    const baselineUnit = figure.baseline.unit ?? figure.unit;
    return `| ${figure.what} | ${formatNumber(figure.value)} ${figure.unit} | ${figure.baseline.what}: ${formatNumber(figure.baseline.value)} ${baselineUnit} | ${formatNumber(figure.ratio)} | ${formatGoal(figure.goal, figure.unit)} ${status} |${figure.notes ? ` ${figure.notes} |` : ' |'}`;
  });
  return [
    `Measured ${machine.date} on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}${machine.commit ? `, commit ${machine.commit}` : ''}; load average at start ${machine.loadAtStart.join(' / ')}${machine.loadAtEnd ? `, at end ${machine.loadAtEnd.join(' / ')}` : ''}.`,
    '',
    '| Figure | deliberate | Same-run baseline | Ratio | Goal | Notes |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export const tableBegin = '<!-- bench:table:begin (written by npm run bench) -->';
export const tableEnd = '<!-- bench:table:end -->';

/** BENCHMARKS.md with the table between the markers replaced (the rest of the file is kept as written). */
export function replaceBenchTable(markdown: string, table: string): string {
  const begin = markdown.indexOf(tableBegin);
  const end = markdown.indexOf(tableEnd);
  if (begin < 0 || end < begin) return `${markdown.trimEnd()}\n\n${tableBegin}\n${table}\n${tableEnd}\n`;
  return `${markdown.slice(0, begin)}${tableBegin}\n${table}\n${markdown.slice(end)}`;
}
