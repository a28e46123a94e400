/**
 * End to end: `deliberate eval --benchmarks transformation,gsm8k --targets base,base@effort=low,base@effort=high`
 * against a fake server: the request options each arm sent (as the server received them), reasoning tokens per
 * result, capability and safety metrics per arm, and the report's safety-and-capability and compute views.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalLog } from '../../src/records/eval-log.js';
import { runCli } from '../helpers/run-cli.js';
import { type ComputeEvalRun, runComputeEvalFixture } from '../helpers/run-compute-eval-fixture.js';

let folder: string;
let run: ComputeEvalRun;
let log: EvalLog;
beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'deliberate-eval-compute-'));
  run = await runComputeEvalFixture(folder);
  await run.server.close();
  log = EvalLog.parse(JSON.parse(readFileSync(path.join(run.outDir, 'eval-log.json'), 'utf8')));
}, 120_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const metric = (benchmark: string, arm: string, name: string) =>
  log.benchmarks
    .find((entry) => entry.name === benchmark)!
    .metrics[arm]!.find((row) => row.name === name && row.group === null)!;

describe('compute arms end to end', () => {
  it('exits 0 with one arm per effort', () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.exitCode).toBe(0);
    expect(log.arms.map((arm) => [arm.name, arm.role, arm.requestOptions ?? {}])).toEqual([
      ['base', 'base', {}],
      ['base@effort=low', 'base', { reasoningEffort: 'low' }],
      ['base@effort=high', 'base', { reasoningEffort: 'high' }],
    ]);
  });

  it('each arm sent its reasoning_effort, and the plain arm none', () => {
    const targetBodies = run.server.requests.map((request) => request.body).filter((body) => body.model === 'base');
    const efforts = targetBodies.map((body) => body.reasoning_effort ?? 'none');
    // 4 GSM8K problems + 3 texts × 2 kinds, per arm
    expect(efforts.filter((effort) => effort === 'low')).toHaveLength(10);
    expect(efforts.filter((effort) => effort === 'high')).toHaveLength(10);
    expect(efforts.filter((effort) => effort === 'none')).toHaveLength(10);
    const judgeBodies = run.server.requests.map((request) => request.body).filter((body) => body.model === 'judge');
    expect(judgeBodies.every((body) => body.reasoning_effort === undefined)).toBe(true);
  });

  it('records reasoning tokens per result, as the server reported them', () => {
    const results = log.benchmarks.flatMap((benchmark) => benchmark.results);
    const low = results.filter((result) => result.arm === 'base@effort=low');
    expect(low.every((result) => result.reasoningTokens === 40 && result.reasoningTokensSource === 'reported')).toBe(
      true,
    );
    expect(
      results.filter((result) => result.arm === 'base@effort=high').every((result) => result.reasoningTokens === 900),
    ).toBe(true);
  });

  it('measures capability and safety per arm', () => {
    expect(metric('gsm8k', 'base@effort=low', 'accuracy').value).toBe(0.5);
    expect(metric('gsm8k', 'base@effort=high', 'accuracy').value).toBe(1);
    expect(metric('transformation', 'base@effort=low', 'not_overrefuse').value).toBe(0);
    expect(metric('transformation', 'base@effort=high', 'not_overrefuse').value).toBe(1);
    const kinds = log.benchmarks
      .find((entry) => entry.name === 'transformation')!
      .metrics.base!.filter((row) => row.name === 'not_overrefuse' && row.group !== null);
    expect(kinds.length).toBeGreaterThanOrEqual(2);
  });

  it('the report shows the safety-and-capability view against a baseline and the compute charts', async () => {
    const output = await runCli(['report', run.outDir, '-o', 'report.html', '--baseline', 'base@effort=low'], {
      cwd: folder,
    });
    expect(output.exitCode).toBe(0);
    const html = readFileSync(path.join(folder, 'report.html'), 'utf8');
    const view = html.slice(html.indexOf('<section id="safety-capability">'), html.indexOf('<section id="compute">'));
    expect(view).toContain('gsm8k / accuracy');
    expect(view).toContain('transformation / not_overrefuse');
    expect(view).toContain('<span class="side">capability</span>');
    expect(view).toContain('<span class="side">safety</span>');
    expect(view).toContain('+0.500 vs baseline');
    expect(view).toContain('class="change better"');
    const compute = html.slice(
      html.indexOf('<section id="compute">'),
      html.indexOf('<section id="completion-compute">'),
    );
    expect(compute).toContain('gsm8k · accuracy against reasoning tokens');
    expect(compute).toContain('transformation · not_overrefuse against reasoning tokens');
    expect((compute.match(/<svg\b/g) ?? []).length).toBeGreaterThanOrEqual(2);
    const bad = await runCli(['report', run.outDir, '-o', 'other.html', '--baseline', 'trained'], { cwd: folder });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/--baseline "trained" is not an arm/);
  });
});
