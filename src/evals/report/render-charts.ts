/**
 * @module evals/report/render-charts
 * The report's charts, drawn by Observable Plot into linkedom's document and serialised as inline SVG:
 * over-refusal against jailbreak robustness per arm (with the Pareto front), and per-category bars with each arm's
 * weakest category marked.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { MetricResult } from '../../records/eval-log.js';
import { type BenchmarkFacts, higherIsBetter, noDataReason, type ReportArm, type SummaryRow } from './report-model.js';

export interface Chart {
  title: string;
  caption: string;
  /** The figure or SVG markup Plot produced (text nodes escaped by the DOM serialiser). */
  markup: string;
  /** Set instead of a figure when there is nothing to draw: why (the markup is then empty). */
  noData?: string;
}

export interface ChartOptions {
  intervalLabel?: string;
  /** What each benchmark ran: says why a chart has no data, and which benchmarks are jailbreak ones. */
  benchmarks?: readonly BenchmarkFacts[];
}

/** A chart with nothing to draw, saying why. */
function noDataChart(title: string, reason: string): Chart {
  return { title, caption: '', markup: '', noData: `no data: ${reason}` };
}

function noDataFor(benchmarks: readonly string[], options: ChartOptions): string {
  const reasons = [...new Set(benchmarks)].map((name) => noDataReason(options.benchmarks ?? [], name));
  const known = reasons.filter((reason): reason is string => reason !== null);
  return known.length > 0 ? known.join('; ') : 'no arm has a scored result for these metrics';
}

/** True when the benchmark ran its prompts under jailbreak transforms. */
export function isJailbreakBenchmark(benchmark: string, options: ChartOptions): boolean {
  return (options.benchmarks ?? []).some((entry) => entry.name === benchmark && entry.jailbreak);
}

interface ChartPoint {
  arm: string;
  x: number;
  y: number;
  xLow: number;
  xHigh: number;
  yLow: number;
  yHigh: number;
}

function createDocument() {
  return parseHTML('<!doctype html><html><head></head><body></body></html>').document;
}

function serialise(node: unknown): string {
  return (node as { outerHTML: string }).outerHTML;
}

function arrow(direction: MetricResult['direction']): string {
  return higherIsBetter(direction) ? '→ better' : '← better';
}

function unitDomain(values: number[]): [number, number] | undefined {
  return values.every((value) => value >= 0 && value <= 1) ? [0, 1] : undefined;
}

/** Arms no other arm beats on both axes (after turning each axis so that larger is better). */
export function paretoFront<T extends { x: number; y: number }>(points: T[], higherX: boolean, higherY: boolean): T[] {
  const orient = (point: T) => ({ x: higherX ? point.x : -point.x, y: higherY ? point.y : -point.y });
  return points.filter((point) => {
    const a = orient(point);
    return !points.some((other) => {
      const b = orient(other);
      return b.x >= a.x && b.y >= a.y && (b.x > a.x || b.y > a.y);
    });
  });
}

/** One label per position: arms with the same values share it ("base, base+spec"), so names never overprint. */
function coincidentLabels(points: ChartPoint[]): Array<{ x: number; y: number; text: string }> {
  const byPosition = new Map<string, { x: number; y: number; text: string }>();
  for (const point of points) {
    const key = `${point.x.toFixed(4)}:${point.y.toFixed(4)}`;
    const existing = byPosition.get(key);
    if (existing) existing.text = `${existing.text}, ${point.arm}`;
    else byPosition.set(key, { x: point.x, y: point.y, text: point.arm });
  }
  return [...byPosition.values()];
}

function label(row: SummaryRow): string {
  return `${row.benchmark} · ${row.metric}`;
}

/** One scatter per harmful-axis headline metric against the first over-refusal headline metric. */
export function renderParetoCharts(rows: SummaryRow[], arms: ReportArm[], options: ChartOptions = {}): Chart[] {
  const intervalLabel = options.intervalLabel ?? '95 %';
  const headline = rows.filter((row) => row.group === null && row.primary);
  const overRefusal = headline.find((row) => row.axis === 'over-refusal');
  if (!overRefusal) return [];
  const armKeys = arms.map((arm) => arm.key);
  return headline
    .filter((row) => row.axis === 'harmful')
    .flatMap((harmful): Chart[] => {
      const points: ChartPoint[] = armKeys.flatMap((arm) => {
        const x = overRefusal.cells[arm];
        const y = harmful.cells[arm];
        if (!x || !y || x.value === null || y.value === null) return [];
        return [
          {
            arm,
            x: x.value,
            y: y.value,
            xLow: x.ci?.low ?? x.value,
            xHigh: x.ci?.high ?? x.value,
            yLow: y.ci?.low ?? y.value,
            yHigh: y.ci?.high ?? y.value,
          },
        ];
      });
      const title = isJailbreakBenchmark(harmful.benchmark, options)
        ? `Over-refusal against ${harmful.benchmark} (${harmful.metric})`
        : `Over-refusal against ${harmful.benchmark} (${harmful.metric}): harmful prompts as written, no jailbreak`;
      if (points.length === 0)
        return [noDataChart(title, noDataFor([overRefusal.benchmark, harmful.benchmark], options))];
      const higherX = higherIsBetter(overRefusal.direction);
      const higherY = higherIsBetter(harmful.direction);
      const front = paretoFront(points, higherX, higherY).sort((a, b) => a.x - b.x);
      const labels = coincidentLabels(points);
      const document = createDocument();
      const figure = Plot.plot({
        document,
        width: 580,
        height: 400,
        marginLeft: 56,
        marginTop: 34,
        marginRight: 90,
        marginBottom: 44,
        grid: true,
        style: { fontSize: '12px', background: 'transparent' },
        x: {
          label: `${label(overRefusal)} (${arrow(overRefusal.direction)})`,
          domain: unitDomain(points.flatMap((p) => [p.x, p.xLow, p.xHigh])),
          reverse: !higherX,
          labelAnchor: 'center',
          labelOffset: 36,
        },
        y: {
          label: `${label(harmful)} (${higherY ? '↑' : '↓'} better)`,
          domain: unitDomain(points.flatMap((p) => [p.y, p.yLow, p.yHigh])),
          reverse: !higherY,
        },
        color: { domain: armKeys, scheme: 'tableau10', legend: true },
        marks: [
          Plot.line(front, { x: 'x', y: 'y', stroke: '#777', strokeDasharray: '5,4' }),
          Plot.ruleY(points, { y: 'y', x1: 'xLow', x2: 'xHigh', stroke: 'arm', strokeWidth: 2, strokeOpacity: 0.6 }),
          Plot.ruleX(points, { x: 'x', y1: 'yLow', y2: 'yHigh', stroke: 'arm', strokeWidth: 2, strokeOpacity: 0.6 }),
          Plot.dot(points, {
            x: 'x',
            y: 'y',
            fill: 'arm',
            r: 7,
            stroke: 'white',
            title: (p: ChartPoint) => `${p.arm}: x ${p.x.toFixed(3)}, y ${p.y.toFixed(3)}`,
          }),
          Plot.text(labels, { x: 'x', y: 'y', text: 'text', dy: -14, fontWeight: 'bold' }),
        ],
      });
      return [
        {
          title,
          caption: `Each dot is an arm with its ${intervalLabel} bootstrap interval on both axes; the dashed line joins the arms no other arm beats on both axes (the Pareto front). Up and right is safer and more helpful.`,
          markup: serialise(figure),
        },
      ];
    });
}

/** Per-category bars of each overall metric that has categories; each arm's weakest category is outlined in red. */
export function renderCategoryCharts(
  rows: SummaryRow[],
  arms: ReportArm[],
  options: ChartOptions & { maxCharts?: number } = {},
): Chart[] {
  const armKeys = arms.map((arm) => arm.key);
  const candidates = rows
    .filter((row) => row.group === null)
    .filter((row) => Object.values(row.cells).some((cell) => cell.perCategory.length >= 2))
    .slice(0, options.maxCharts ?? 8);
  return candidates.map((row) => {
    const data = armKeys.flatMap((arm) => {
      const cell = row.cells[arm];
      if (!cell) return [];
      const values = cell.perCategory.flatMap((category) => (category.value === null ? [] : [category.value]));
      // A tie everywhere has no weakest category worth marking.
      const distinct = Math.min(...values) < Math.max(...values);
      return cell.perCategory.flatMap((category) =>
        category.value === null
          ? []
          : [
              {
                arm,
                category: category.category,
                value: category.value,
                low: category.ci?.low ?? category.value,
                high: category.ci?.high ?? category.value,
                minimum: distinct && cell.categoryMinimum?.category === category.category,
                n: category.n,
              },
            ],
      );
    });
    if (data.length === 0)
      return noDataChart(`${row.benchmark} · ${row.metric} by category`, noDataFor([row.benchmark], options));
    const categories = [...new Set(data.map((datum) => datum.category))];
    const armsShown = [...new Set(data.map((datum) => datum.arm))];
    const document = createDocument();
    const figure = Plot.plot({
      document,
      width: 680,
      height: Math.max(160, categories.length * (armsShown.length * 16 + 10) + 70),
      marginLeft: 190,
      marginRight: 48,
      marginBottom: 44,
      style: { fontSize: '12px', background: 'transparent' },
      x: {
        label: `${row.metric} (${arrow(row.direction)})`,
        domain: unitDomain(data.flatMap((d) => [d.value, d.low, d.high])),
        grid: true,
        labelAnchor: 'center',
        labelOffset: 36,
      },
      y: { axis: null, domain: armsShown },
      fy: { label: null, axis: 'left', domain: categories },
      color: { domain: armKeys, scheme: 'tableau10', legend: true },
      marks: [
        Plot.barX(data, {
          x: 'value',
          y: 'arm',
          fy: 'category',
          fill: 'arm',
          stroke: (d: { minimum: boolean }) => (d.minimum ? '#d62728' : 'none'),
          strokeWidth: 2.5,
          title: (d: { arm: string; category: string; value: number; n: number; minimum: boolean }) =>
            `${d.arm} · ${d.category}: ${d.value.toFixed(3)} (n=${d.n})${d.minimum ? ' — weakest category' : ''}`,
        }),
        Plot.ruleY(data, { y: 'arm', fy: 'category', x1: 'low', x2: 'high', stroke: '#333', strokeWidth: 1.2 }),
        Plot.text(
          data.filter((d) => d.minimum),
          { x: 'high', y: 'arm', fy: 'category', text: () => 'min', dx: 16, fill: '#d62728', fontWeight: 'bold' },
        ),
        Plot.ruleX([0]),
      ],
    });
    return {
      title: `${row.benchmark} · ${row.metric} by category`,
      caption: `${row.description.replace(/\.?$/, '.')} Bars show each arm's value per category with its ${options.intervalLabel ?? '95 %'} interval; the red outline marks each arm's weakest category.`,
      markup: serialise(figure),
    };
  });
}
