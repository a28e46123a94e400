/**
 * The eval's preflight: a benchmark that needs a role which is not configured, or a data path that does not exist,
 * stops the eval before its first model request (counted on the fake server), with every problem and its fix. And a
 * benchmark whose grades are all unscored is no result: the eval exits 1 with status failed and the reason.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EvalLog } from '../../src/records/eval-log.js';
import { type EvalFixtureOptions, type EvalFixtureRun, runEvalFixture } from '../helpers/run-eval-fixture.js';

let run: EvalFixtureRun | undefined;
let folder: string | undefined;

async function evalRun(options: Omit<EvalFixtureOptions, 'folder'>): Promise<EvalFixtureRun> {
  folder = mkdtempSync(path.join(tmpdir(), 'deliberate-eval-preflight-'));
  run = await runEvalFixture({ folder, preferSharedXstest: false, limit: 4, ...options });
  return run;
}

afterEach(async () => {
  await run?.server.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  run = undefined;
  folder = undefined;
});

describe('deliberate eval preflight', () => {
  it('a benchmark graded by a judge that is not configured fails before the first request', async () => {
    // xstest comes first and could run; the spec benchmark needs the judge role, which the config does not have.
    const result = await evalRun({ benchmarks: 'xstest,spec' });
    expect(result.exitCode).toBe(1);
    expect(result.server.requests).toHaveLength(0);
    expect(result.stderr).toContain(
      'the spec benchmark is graded by the spec-aware judge, and no judge role is configured',
    );
    expect(result.stderr).toContain('add a `judge` role under models');
  });

  it('a data path that does not exist fails before the first request, with every other problem', async () => {
    const result = await evalRun({ benchmarks: 'xstest,spec', extraArgs: ['--data', 'xstest=./missing.csv'] });
    expect(result.exitCode).toBe(1);
    expect(result.server.requests).toHaveLength(0);
    expect(result.stderr).toContain('the eval cannot start (2 problems)');
    expect(result.stderr).toMatch(/benchmark xstest: the data file .*missing\.csv does not exist/);
    expect(result.stderr).toContain('no judge role is configured');
    expect(result.stderr).toContain('nothing was sent to any model');
  });

  it("an arm's role whose endpoint is down stops the eval before the first request, naming the role and URL", async () => {
    const down = { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'down', maxRetries: 0 };
    const result = await evalRun({ targets: 'base,down', benchmarks: 'xstest', extraModels: { down } });
    expect(result.exitCode).toBe(1);
    expect(result.server.requests).toHaveLength(0);
    expect(result.stderr).toContain('down');
    expect(result.stderr).toContain('http://127.0.0.1:9/v1');
  });
});

describe('deliberate eval with a benchmark whose every grade is unscored', () => {
  it('exits 1 with status failed, naming the benchmark, the grader and the unscored reasons', async () => {
    const result = await evalRun({ unreadableGrader: true, benchmarks: 'xstest', json: true });
    expect(result.exitCode).toBe(1);
    const output = JSON.parse(result.stdout) as { status: string; errors: string[] };
    expect(output.status).toBe('failed');
    expect(output.errors).toHaveLength(1);
    expect(output.errors[0]).toMatch(
      /^xstest: every refusal grade \(\d+, grader xstest-3class@1, role grader, .*\) is unscored \(/,
    );
    expect(output.errors[0]).toContain('deliberate models check --role grader');
    expect(result.stderr).toContain('error: xstest: every refusal grade');
    const log = EvalLog.parse(JSON.parse(readFileSync(result.logFile, 'utf8')));
    expect(log.status).toBe('failed');
  });
});
