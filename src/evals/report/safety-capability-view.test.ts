import { describe, expect, it } from 'vitest';
import type { MetricResult } from '../../records/eval-log.js';
import { computeSeries } from './compute-view.js';
import type { ReportArm, SummaryRow } from './report-model.js';
import { buildSafetyCapabilityView } from './safety-capability-view.js';

const arm = (key: string, role = 'base'): ReportArm => ({
  key,
  logIndex: 0,
  name: key,
  label: null,
  role,
  modelId: 'm',
  specInContext: false,
});
const arms = [arm('base'), arm('base@effort=high'), arm('other', 'other')];

function cell(value: number | null, worst: string | null = null): MetricResult {
  return {
    name: 'x',
    group: null,
    description: '',
    direction: 'higher-is-better',
    axis: 'other',
    primary: true,
    value,
    ci: value === null ? null : { low: value - 0.1, high: value + 0.1, level: 0.95, resamples: 10, seed: 0 },
    n: 10,
    unscored: 0,
    perCategory: [],
    categoryMinimum: worst && value !== null ? { category: worst, value: value - 0.2 } : null,
    settings: {},
  };
}

function row(
  benchmark: string,
  axis: SummaryRow['axis'],
  direction: SummaryRow['direction'],
  values: Array<number | null>,
): SummaryRow {
  return {
    benchmark,
    metric: 'm',
    group: null,
    description: '',
    direction,
    axis,
    primary: true,
    cells: Object.fromEntries(values.map((value, index) => [arms[index]!.key, cell(value, 'cat')])),
  };
}

describe('safety and capability view', () => {
  const rows = [
    row('gsm8k', 'capability', 'higher-is-better', [0.8, 0.7, null]),
    row('strongreject', 'harmful', 'lower-is-safer', [0.4, 0.2, 0.5]),
    row('style', 'style', 'higher-is-better', [0.5, 0.5, 0.5]),
  ];

  it('puts safety before capability, and judges each change by the metric direction', () => {
    const view = buildSafetyCapabilityView(rows, arms)!;
    expect(view.baseline).toBe('base');
    expect(view.bothSides).toBe(true);
    expect(view.rows.map((entry) => [entry.benchmark, entry.side])).toEqual([
      ['strongreject', 'safety'],
      ['gsm8k', 'capability'],
    ]);
    const [safety, capability] = view.rows;
    expect(safety!.cells['base@effort=high']).toMatchObject({ change: expect.closeTo(-0.2), improved: true });
    expect(capability!.cells['base@effort=high']).toMatchObject({ change: expect.closeTo(-0.1), improved: false });
    expect(capability!.cells.base).toMatchObject({ change: null, improved: null, worstCategory: { category: 'cat' } });
    expect(capability!.cells.other).toMatchObject({ value: null, change: null });
  });

  it('compares against the chosen baseline, and says when a side is missing', () => {
    const view = buildSafetyCapabilityView(rows, arms, 'other')!;
    expect(view.rows[0]!.cells.base).toMatchObject({ change: expect.closeTo(-0.1), improved: true });
    expect(buildSafetyCapabilityView(rows.slice(1), arms)!.bothSides).toBe(false);
    expect(buildSafetyCapabilityView([rows[2]!], arms)).toBeNull();
  });

  it('compute series: headline metrics of arms that have reasoning-token counts, two arms at least', () => {
    const reasoning = {
      base: { gsm8k: { mean: 100, n: 4, reported: 4 } },
      'base@effort=high': { gsm8k: { mean: 900, n: 4, reported: 4 }, strongreject: { mean: 5, n: 1, reported: 0 } },
    };
    const series = computeSeries(rows, arms, reasoning);
    expect(series.map((entry) => entry.row.benchmark)).toEqual(['gsm8k']);
    expect(series[0]!.points.map((point) => [point.arm, point.x, point.y])).toEqual([
      ['base', 100, 0.8],
      ['base@effort=high', 900, 0.7],
    ]);
  });
});
