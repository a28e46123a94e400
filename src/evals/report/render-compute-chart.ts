/**
 * @module evals/report/render-compute-chart
 * The inference-compute charts: per headline metric, each arm's value with its interval against the mean reasoning
 * tokens (the paper's Figure 13) or completion tokens it spent per item, arms of one role joined in order of tokens.
 * Observable Plot into linkedom's document, serialised as inline SVG.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { ComputeSeries, TokenMeasure } from './compute-view.js';
import { higherIsBetter, type ReportArm } from './report-model.js';

export interface ComputeChart {
  title: string;
  caption: string;
  markup: string;
}

/** What the x axis counts, in the caption's words. */
const measureSource: Record<TokenMeasure, string> = {
  reasoning: 'reported by the server, else counted from the reasoning text',
  completion:
    "as the server reported them, summed over the item's calls: a +ttd arm's draft, check and revise calls included",
};

/** One chart per series; arms coloured as in the other charts. */
export function renderComputeCharts(
  series: readonly ComputeSeries[],
  arms: readonly ReportArm[],
  options: { intervalLabel?: string; maxCharts?: number; measure?: TokenMeasure } = {},
): ComputeChart[] {
  const armKeys = arms.map((arm) => arm.key);
  const measure = options.measure ?? 'reasoning';
  return series.slice(0, options.maxCharts ?? 8).map(({ row, points }) => {
    const document = parseHTML('<!doctype html><html><head></head><body></body></html>').document;
    const curves = [...new Set(points.map((point) => point.role))].flatMap((role) =>
      points.filter((point) => point.role === role).sort((a, b) => a.x - b.x),
    );
    const unit = points.every((point) => point.yLow >= 0 && point.yHigh <= 1);
    const figure = Plot.plot({
      document,
      width: 520,
      height: 340,
      marginLeft: 56,
      marginTop: 30,
      marginRight: 40,
      marginBottom: 44,
      grid: true,
      style: { fontSize: '12px', background: 'transparent' },
      x: {
        label: `mean ${measure} tokens per item →`,
        labelAnchor: 'center',
        labelOffset: 36,
        zero: true,
        insetRight: 50,
      },
      y: {
        label: `${row.benchmark} · ${row.metric} (${higherIsBetter(row.direction) ? '↑' : '↓'} better)`,
        domain: unit ? [0, 1] : undefined,
        reverse: !higherIsBetter(row.direction),
      },
      color: { domain: armKeys, scheme: 'tableau10', legend: true },
      marks: [
        Plot.line(curves, { x: 'x', y: 'y', z: 'role', stroke: '#888', strokeDasharray: '4,3' }),
        Plot.ruleX(points, { x: 'x', y1: 'yLow', y2: 'yHigh', stroke: 'arm', strokeWidth: 2, strokeOpacity: 0.6 }),
        Plot.dot(points, {
          x: 'x',
          y: 'y',
          fill: 'arm',
          r: 6,
          stroke: 'white',
          title: (point: { arm: string; x: number; y: number }) =>
            `${point.arm}: ${point.y.toFixed(3)} at ${point.x.toFixed(0)} ${measure} tokens`,
        }),
        Plot.text(points, { x: 'x', y: 'y', text: 'arm', dy: -12, fontSize: 11 }),
      ],
    });
    return {
      title: `${row.benchmark} · ${row.metric} against ${measure} tokens`,
      caption: `Each dot is an arm: its value with the ${options.intervalLabel ?? '95 %'} bootstrap interval, at the mean ${measure} tokens it spent per item on ${row.benchmark} (${measureSource[measure]}). Dashed lines join the arms of one role.`,
      markup: (figure as unknown as { outerHTML: string }).outerHTML,
    };
  });
}
