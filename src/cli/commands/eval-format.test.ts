import { describe, expect, it } from 'vitest';
import { buildFixtureEvalLog } from '../../../test/helpers/eval-log-fixture.js';
import type { MetricResult } from '../../records/eval-log.js';
import { emptyUsage } from '../../records/usage.js';
import { formatEvalProgress, formatEvalSummary, formatMetricCell } from './eval-format.js';

describe('eval output', () => {
  it('progress shows done/total, rate, ETA and tokens', () => {
    const line = formatEvalProgress({
      benchmark: 'strongreject',
      done: 150,
      total: 600,
      resumed: 50,
      failed: 2,
      usage: { ...emptyUsage, promptTokens: 40_000, completionTokens: 12_300 },
      elapsedMs: 50_000,
    });
    expect(line).toBe('eval strongreject 150/600 25% · 2.0/s · ETA 3m45s · 52.3k tokens · 50 resumed · 2 failed');
  });

  it('a metric cell shows value, interval, n and unscored; an empty metric says n/a', () => {
    const row = {
      value: 0.8125,
      ci: { low: 0.75, high: 0.875, level: 0.95, resamples: 1000, seed: 0 },
      n: 40,
      unscored: 3,
    } as MetricResult;
    expect(formatMetricCell(row)).toBe('0.813 [0.750, 0.875] n=40 u=3');
    expect(formatMetricCell({ ...row, value: null, ci: null, n: 0 })).toBe('n/a (n=0 u=3)');
    expect(formatMetricCell(undefined)).toBe('–');
  });

  it('the metrics table heads a labelled arm by its label', () => {
    const log = buildFixtureEvalLog();
    log.arms[1]!.label = 'sft v1';
    const text = formatEvalSummary(log, 'eval-log.json');
    expect(text).toMatch(/^metric +base +sft v1$/m);
    expect(text).toMatch(/worst category, not_overrefuse_strict: base homonyms 0\.400 · sft v1 /);
  });
});
