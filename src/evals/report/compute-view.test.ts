import { describe, expect, it } from 'vitest';
import { buildFixtureEvalLog } from '../../../test/helpers/eval-log-fixture.js';
import { EvalLog, type EvalResult } from '../../records/eval-log.js';
import { emptyUsage } from '../../records/usage.js';
import { tokensByArm } from './compute-view.js';
import { renderReport } from './render-report.js';

/** The fixture's xstest results for base and trained, plus a `base+ttd` arm, with the completion tokens given. */
function logWithCompletionTokens(tokens: { base: number[]; trained: number[]; ttd: number[] }): EvalLog {
  const log = EvalLog.parse(buildFixtureEvalLog());
  log.arms.push({ name: 'base+ttd', role: 'base', modelId: 'openai-compatible:base-model', specInContext: true });
  const xstest = log.benchmarks[0]!;
  const template = xstest.results[0]!;
  const results = (arm: string, counts: number[]): EvalResult[] =>
    counts.map((count, index) => ({
      ...template,
      arm,
      itemId: `xstest-${index + 1}`,
      usage: { ...emptyUsage, completionTokens: count },
    }));
  xstest.results = [
    ...results('base', tokens.base),
    ...results('trained', tokens.trained),
    ...results('base+ttd', tokens.ttd),
  ];
  xstest.metrics['base+ttd'] = xstest.metrics.base!.map((metric) => ({ ...metric, value: 0.95 }));
  return log;
}

const keyOf = (_logIndex: number, arm: string) => arm;

describe('completion tokens per arm', () => {
  it('averages the completion tokens of answered results, a +ttd arm with all its calls', () => {
    const log = logWithCompletionTokens({ base: [100, 300], trained: [50, 50], ttd: [700, 900] });
    const tokens = tokensByArm([{ log }], keyOf, 'completion');
    expect(tokens.base!.xstest).toEqual({ mean: 200, n: 2, reported: 2 });
    expect(tokens.trained!.xstest!.mean).toBe(50);
    expect(tokens['base+ttd']!.xstest!.mean).toBe(800);
  });

  it('leaves out failed calls and answers the server reported no tokens for (unknown, not 0)', () => {
    const log = logWithCompletionTokens({ base: [100, 0], trained: [40, 60], ttd: [900] });
    const failed = log.benchmarks[0]!.results.find((result) => result.arm === 'trained')!;
    failed.response = null;
    failed.outcome = { kind: 'transport-failure', message: 'ECONNRESET' };
    failed.usage = { ...emptyUsage, completionTokens: 5000 };
    const tokens = tokensByArm([{ log }], keyOf, 'completion');
    expect(tokens.base!.xstest).toEqual({ mean: 100, n: 1, reported: 1 });
    expect(tokens.trained!.xstest).toEqual({ mean: 60, n: 1, reported: 1 });
  });

  it('the report plots each arm at its mean completion tokens, the +ttd arm beside base and trained', () => {
    const log = logWithCompletionTokens({ base: [100, 300], trained: [50, 50], ttd: [700, 900] });
    const html = renderReport([{ source: 'eval-log.json', log }], { generatedAt: '2026-12-03T00:00:00Z' });
    const section = html.slice(
      html.indexOf('<section id="completion-compute">'),
      html.indexOf('<section id="pareto">'),
    );
    expect(section).toContain('xstest · not_overrefuse_strict against completion tokens');
    expect(section).toContain('a +ttd arm&#39;s draft, check and revise calls included');
    expect(section).toContain('base+ttd: 0.950 at 800 completion tokens');
    expect(section).toContain('base: 0.620 at 200 completion tokens');
    expect(section).toContain('trained: 0.900 at 50 completion tokens');
  });

  it('says why there is no chart when no arm reported completion tokens', () => {
    const html = renderReport([{ source: 'eval-log.json', log: EvalLog.parse(buildFixtureEvalLog()) }], {
      generatedAt: '2026-12-03T00:00:00Z',
    });
    const section = html.slice(
      html.indexOf('<section id="completion-compute">'),
      html.indexOf('<section id="pareto">'),
    );
    expect(section).not.toContain('<svg');
    expect(section).toContain('Fewer than two arms answered one benchmark');
  });
});
