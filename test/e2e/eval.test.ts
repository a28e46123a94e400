/**
 * End to end, like a user: `deliberate eval --targets base,base+spec,trained --benchmarks xstest,strongreject
 * --limit 12 --json` in-process against a local fake OpenAI-compatible server; the eval log is checked, then a
 * second run resumes without new requests.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalLog } from '../../src/records/eval-log.js';
import { runCli } from '../helpers/run-cli.js';
import { type EvalFixtureRun, refuseAnswer, runEvalFixture, sharedXstestCsv } from '../helpers/run-eval-fixture.js';

const haveSharedXstest = existsSync(sharedXstestCsv);
if (!haveSharedXstest) {
  console.warn(`skipping the shared-XSTest e2e eval: ${sharedXstestCsv} is absent (the fixture run still runs)`);
}

describe.each([
  { name: 'shared XSTest', shared: true },
  { name: 'XSTest-format fixture', shared: false },
])('deliberate eval end to end ($name)', ({ shared }) => {
  let folder: string;
  let run: EvalFixtureRun;
  let log: EvalLog;

  beforeAll(async () => {
    if (shared && !haveSharedXstest) return;
    folder = mkdtempSync(path.join(tmpdir(), 'deliberate-e2e-eval-'));
    run = await runEvalFixture({ folder, preferSharedXstest: shared, limit: 12 });
    if (run.exitCode === 0) log = EvalLog.parse(JSON.parse(readFileSync(run.logFile, 'utf8')));
  }, 120_000);

  afterAll(async () => {
    await run?.server.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it.skipIf(shared && !haveSharedXstest)('exits 0 and prints one JSON object with the metrics and the log path', () => {
    expect(run.stderr).not.toContain('error');
    expect(run.exitCode).toBe(0);
    const output = JSON.parse(run.stdout) as { log: string; metrics: Array<Record<string, unknown>>; status: string };
    expect(output.log).toBe(run.logFile);
    expect(output.status).toBe('complete');
    expect(output.metrics.some((row) => row.name === 'goodness@0.1' && row.arm === 'trained')).toBe(true);
    expect(run.stderr).toMatch(/eval strongreject \d+\/\d+ 100%/);
  });

  it.skipIf(shared && !haveSharedXstest)('the log describes the run: arms, spec, data hash, items, grades', () => {
    expect(log.arms.map((arm) => [arm.name, arm.role, arm.specInContext])).toEqual([
      ['base', 'base', false],
      ['base+spec', 'base', true],
      ['trained', 'trained', false],
    ]);
    expect(log.spec?.id).toBe('tiny-safety');
    const xstest = log.benchmarks.find((benchmark) => benchmark.name === 'xstest')!;
    expect(xstest.items).toHaveLength(shared ? 12 : 6);
    expect(xstest.datasetSize).toBe(shared ? 450 : 6);
    expect(xstest.datasetHash).toMatch(/^[0-9a-f]{64}$/);
    expect(xstest.results).toHaveLength(3 * xstest.items.length);
    expect(xstest.graders[0]).toMatchObject({ key: 'refusal', graderId: 'xstest-3class@1', role: 'grader' });
    const strongreject = log.benchmarks.find((benchmark) => benchmark.name === 'strongreject')!;
    expect(strongreject.results).toHaveLength(3 * 4 * 5);
    expect(JSON.stringify(log.config)).not.toMatch(/sk-|apiKey"/);
  });

  it.skipIf(shared && !haveSharedXstest)(
    'the +spec arm saw the summary-only spec as system message, the others did not',
    () => {
      const xstest = log.benchmarks.find((benchmark) => benchmark.name === 'xstest')!;
      const withSpec = xstest.results.find((result) => result.arm === 'base+spec')!;
      const without = xstest.results.find((result) => result.arm === 'base')!;
      expect(withSpec.messages[0]!.role).toBe('system');
      expect(withSpec.messages[0]!.content).toContain('Tiny safety spec');
      expect(without.messages.every((message) => message.role !== 'system')).toBe(true);
    },
  );

  it.skipIf(shared && !haveSharedXstest)(
    'metrics separate the arms with intervals; trained is safer on both harmful metrics',
    () => {
      const strongreject = log.benchmarks.find((benchmark) => benchmark.name === 'strongreject')!;
      const goodness = (arm: string) => strongreject.metrics[arm]!.find((row) => row.name === 'goodness@0.1')!;
      expect(goodness('trained').value).toBe(1);
      expect(goodness('base').value).toBeCloseTo(1 - 5 / 8);
      expect(goodness('base').ci).toMatchObject({ resamples: 1000, level: 0.95 });
      expect(goodness('base').direction).toBe('higher-is-safer');
      const worstAll = strongreject.metrics.trained!.find((row) => row.name === 'worst@all')!;
      expect(worstAll.value).toBe(1);
      const xstest = log.benchmarks.find((benchmark) => benchmark.name === 'xstest')!;
      const refusal = (arm: string) => xstest.metrics[arm]!.find((row) => row.name === 'refusal_rate_unsafe')!;
      expect(refusal('base').value).toBe(0);
      expect(refusal('trained').value).toBe(1);
      const strict = xstest.metrics.trained!.find((row) => row.name === 'not_overrefuse_strict')!;
      expect(strict.value).toBe(1);
      expect(strict.perCategory.length).toBeGreaterThan(0);
      const refusedAnswers = strongreject.results.filter((result) => result.arm === 'trained');
      expect(refusedAnswers.every((result) => result.response?.answer === refuseAnswer)).toBe(true);
    },
  );

  it.skipIf(shared && !haveSharedXstest)(
    'a second run resumes from the journal without new requests',
    async () => {
      const before = run.server.requests.length;
      await run.server.close();
      const again = await runEvalFixture({ folder, preferSharedXstest: shared, limit: 12 });
      try {
        expect(again.exitCode).toBe(0);
        expect(again.server.requests).toHaveLength(0);
        const second = EvalLog.parse(JSON.parse(readFileSync(again.logFile, 'utf8')));
        expect(second.benchmarks.map((benchmark) => benchmark.metrics)).toEqual(
          log.benchmarks.map((benchmark) => benchmark.metrics),
        );
        expect(before).toBeGreaterThan(0);
      } finally {
        run = again;
      }
    },
    120_000,
  );

  it.skipIf(shared && !haveSharedXstest)(
    'without --json it prints the metrics table, worst categories and the log path',
    async () => {
      await run.server.close();
      const again = await runEvalFixture({ folder, preferSharedXstest: shared, limit: 12, json: false });
      run = again;
      expect(again.exitCode).toBe(0);
      expect(again.stdout).toMatch(/goodness@0\.1 ↑safer\s+0\.375 \[/);
      expect(again.stdout).toContain('not_overrefuse_strict');
      expect(again.stdout).toContain(`eval log: ${again.logFile}`);
    },
    120_000,
  );

  it.skipIf(shared && !haveSharedXstest)('an unknown target role is a config error naming the roles', async () => {
    await run.server.close();
    const bad = await runEvalFixture({ folder, preferSharedXstest: shared, targets: 'base,nobody' });
    run = bad;
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('there is no role "nobody"');
    expect(bad.stderr).toContain('base, trained, grader');
  });
});

describe('deliberate eval with an arm whose every target call fails', () => {
  let folder: string;
  let run: EvalFixtureRun | undefined;

  afterAll(async () => {
    await run?.server.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('keeps the log (status failed), names the arm, the failure kinds and the fix, exits 1; report still renders it', async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'deliberate-e2e-eval-failed-'));
    run = await runEvalFixture({ folder, preferSharedXstest: false, targets: 'base,broken', limit: 6 });
    expect(run.exitCode).toBe(1);
    const output = JSON.parse(run.stdout) as { status: string; errors: string[] };
    expect(output.status).toBe('failed');
    expect(output.errors).toHaveLength(2);
    expect(run.stderr).toMatch(
      /error: xstest: every target call of arm broken \(role broken, .*\) failed \(6 transport-failure\)/,
    );
    expect(run.stderr).toMatch(/strongreject: every target call of arm broken .* failed \(20 transport-failure\)/);
    expect(run.stderr).toContain('deliberate models check --role broken');
    expect(run.stderr).not.toMatch(/arm base\b/);
    const log = EvalLog.parse(JSON.parse(readFileSync(run.logFile, 'utf8')));
    expect(log.status).toBe('failed');
    expect(log.errors).toEqual(output.errors);
    const xstest = log.benchmarks.find((benchmark) => benchmark.name === 'xstest')!;
    expect(xstest.metrics.base!.find((row) => row.name === 'refusal_rate_unsafe')!.value).toBe(0);

    const report = await runCli(['report', run.outDir, '-o', 'report.html'], { cwd: folder });
    expect(report.stderr).toBe('');
    expect(report.exitCode).toBe(0);
    const html = readFileSync(path.join(folder, 'report.html'), 'utf8');
    expect(html).toContain('(failed)');
    expect(html).toContain('every target call of arm broken');
  }, 120_000);
});

describe('deliberate eval with a mistyped role in the eval settings', () => {
  const run = async (evalSection: Record<string, unknown>, targets = 'base', extra: string[] = []) => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-e2e-eval-role-'));
    const model = { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'none', maxRetries: 0 };
    writeFileSync(
      path.join(folder, 'deliberate.yaml'),
      JSON.stringify({ spec: './spec', models: { base: model, judge: model, grader: model }, eval: evalSection }),
    );
    try {
      return await runCli(['eval', '--targets', targets, '--benchmarks', 'spec', ...extra], { cwd: folder });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  };

  it('eval.judge: judgee names the setting, the role, the configured roles and the closest one', async () => {
    const output = await run({ judge: 'judgee' });
    expect(output.exitCode).toBe(1);
    expect(output.stderr).toMatch(/deliberate\.yaml: eval\.judge: .*eval\.judge names the role "judgee"/);
    expect(output.stderr).toContain('configured roles: base, judge, grader');
    expect(output.stderr).toContain('did you mean "judge"?');
    expect(output.stderr).not.toContain('no judge role is configured');
  });

  it('eval.grader: gradr is the same kind of error', async () => {
    const output = await run({ grader: 'gradr' });
    expect(output.exitCode).toBe(1);
    expect(output.stderr).toContain('eval.grader names the role "gradr"');
    expect(output.stderr).toContain('did you mean "grader"?');
  });

  it('--json prints its object with status and errors when the eval stops (an unusable judge role)', async () => {
    const output = await run({ judge: 'judgee' }, 'base', ['--json']);
    expect(output.exitCode).toBe(1);
    const printed = JSON.parse(output.stdout);
    expect(printed).toMatchObject({ status: 'failed', metrics: [] });
    expect(printed.errors[0]).toContain('eval.judge names the role "judgee"');
  });

  it('--targets with an unknown role names the configured roles and the closest one', async () => {
    const output = await run({}, 'bsae');
    expect(output.exitCode).toBe(1);
    expect(output.stderr).toContain('there is no role "bsae"');
    expect(output.stderr).toContain('did you mean "base"?');
    expect(output.stderr).toContain('base, judge, grader');
  });
});
