/**
 * Fail fast, fail loud (issue 8): a dead, unauthorised or failing endpoint for one role stops the command with the
 * role, URL and fix; a stage whose calls all failed fails the command; a partial failure exits non-zero unless allowed;
 * the summary, manifest and --json count failures from the same events; failed samples carry kind and message.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { fixturePrompts, pipelineHandler, writeProject } from './pipeline-fixture.js';

let server: FakeOpenAIServer;
const folders: string[] = [];
beforeAll(async () => {
  server = await startFakeOpenAIServer(pipelineHandler);
});
afterEach(() => server.setHandler(pipelineHandler));
afterAll(async () => {
  await server.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const prompts = fixturePrompts.filter((prompt) => ['locks', 'neighbour', 'sad'].includes(prompt.id));

function project(options: { baseUrl?: string; extraConfig?: string; judgeBaseUrl?: string } = {}): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-failures-'));
  folders.push(folder);
  writeProject(folder, { baseUrl: options.baseUrl ?? server.baseUrl, prompts, extraConfig: options.extraConfig });
  return folder;
}

function readJson(file: string) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function chatRequests(model: string): number {
  return server.requests.filter((request) => request.body.model === model).length;
}

/** The run stopped with exit 1 naming the role, its model and URL, the refused connection and the fix. */
function expectUnreachable(run: { exitCode: number; stderr: string }, role: 'teacher' | 'judge', url: string) {
  expect(run.exitCode).toBe(1);
  expect(run.stderr).toContain(`role "${role}" (openai-compatible:fake-${role} at ${url}) cannot be used`);
  expect(run.stderr).toContain('ECONNREFUSED');
  expect(run.stderr).toContain(`deliberate models check --role ${role}`);
  expect(run.stderr).not.toContain('internal error');
}

describe('fail fast, fail loud', () => {
  it('nothing listening at the teacher URL: stops before any request, naming role, URL and fix', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const folder = project({ baseUrl: url });
    expectUnreachable(await runCli(['run'], { cwd: folder }), 'teacher', url);
  });

  it('nothing listening at the judge URL: stops naming the judge role, its URL and the fix; no judge request', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const folder = project();
    const config = path.join(folder, 'deliberate.yaml');
    const text = readFileSync(config, 'utf8');
    const judgeAt = text.indexOf('  judge:');
    writeFileSync(config, text.slice(0, judgeAt) + text.slice(judgeAt).replace(server.baseUrl, url));
    const judged = chatRequests('fake-judge');
    expectUnreachable(await runCli(['run'], { cwd: folder }), 'judge', url);
    expect(chatRequests('fake-judge')).toBe(judged);
  });

  it('an unauthorised endpoint (401 on every route): stops at the preflight, no chat request sent', async () => {
    const guarded = await startFakeOpenAIServer(pipelineHandler, { apiKey: 'right-key-123456' });
    try {
      const folder = project({ baseUrl: guarded.baseUrl });
      const config = path.join(folder, 'deliberate.yaml');
      const text = readFileSync(config, 'utf8').replaceAll(
        '    maxRetries: 0',
        '    maxRetries: 0\n    apiKeyEnv: FAKE_KEY',
      );
      (await import('node:fs')).writeFileSync(config, text);
      const run = await runCli(['run', '--json'], { cwd: folder, env: { FAKE_KEY: 'wrong-key-654321' } });
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('HTTP 401');
      expect(run.stderr).toContain('FAKE_KEY');
      expect(run.stderr).not.toContain('wrong-key-654321');
      expect(guarded.requests).toHaveLength(0);
      // --json prints its object whatever stopped the run.
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'failed' });
    } finally {
      await guarded.close();
    }
  });

  it('a server without /models that answers 501 with an HTML page: the 1-token probe stops the run', async () => {
    const html = await startFakeOpenAIServer(
      () => ({ kind: 'raw', status: 501, body: '<html><body>Not Implemented</body></html>' }),
      { listModels: false },
    );
    try {
      const folder = project({ baseUrl: html.baseUrl });
      const run = await runCli(['run'], { cwd: folder });
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('HTTP 501');
      expect(run.stderr).toContain('role "teacher"');
      expect(html.requests).toHaveLength(1);
    } finally {
      await html.close();
    }
  });

  it('every teacher call rejected (401 on chat only): the command fails naming the kinds and first message', async () => {
    const folder = project();
    server.setHandler((body) =>
      body.model === 'fake-teacher'
        ? { kind: 'status', status: 401, body: { error: { message: 'Incorrect API key provided: sk-abcdefghijkl' } } }
        : pipelineHandler(body),
    );
    const run = await runCli(['run'], { cwd: folder });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('every call of role "teacher" failed');
    expect(run.stderr).toContain('6 of 6 calls failed (transport-failure 6)');
    expect(run.stderr).toContain('first: HTTP 401');
    expect(run.stderr).not.toContain('sk-abcdefghijkl');
    expect(chatRequests('fake-judge')).toBe(0);
  });

  it('a judge answering 500: the streak breaker stops the run instead of retrying every sample', async () => {
    const folder = project({ extraConfig: 'failures:\n  streakLimit: 3\n' });
    const before = chatRequests('fake-judge');
    server.setHandler((body) =>
      body.model === 'fake-judge' ? { kind: 'status', status: 500 } : pipelineHandler(body),
    );
    const run = await runCli(['run'], { cwd: folder });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('stopped after 3 transport failures in a row from role "judge"');
    expect(run.stderr).toContain(`at ${server.baseUrl}`);
    // 6 completions × 3 runs would be 18 judge calls; the streak stops it after 3 (plus what was in flight).
    expect(chatRequests('fake-judge') - before).toBeLessThanOrEqual(3 + 4);
  });

  it('a classifier answering 500: the categorise stage stops the run naming the role, nothing generated unlabelled', async () => {
    const unlabelled = prompts.map((prompt) => ({ id: prompt.id, prompt: prompt.prompt }));
    for (const [extraConfig, expected] of [
      ['failures:\n  streakLimit: 2\n', 'stopped after 2 transport failures in a row from role "classifier"'],
      ['', 'the classifier role (openai-compatible:fake-classifier) is unavailable (transport-failure): all 3 calls'],
    ] as const) {
      const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-failures-'));
      folders.push(folder);
      const configFile = writeProject(folder, { baseUrl: server.baseUrl, prompts: unlabelled, extraConfig });
      const classifierRole = `  classifier:\n    provider: openai-compatible\n    baseUrl: ${server.baseUrl}\n    model: fake-classifier\n    maxRetries: 0\n`;
      writeFileSync(configFile, readFileSync(configFile, 'utf8').replace('generate:', `${classifierRole}generate:`));
      server.setHandler((body) =>
        body.model === 'fake-classifier' ? { kind: 'status', status: 500 } : pipelineHandler(body),
      );
      const teacherBefore = chatRequests('fake-teacher');
      const run = await runCli(['run'], { cwd: folder });
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain(expected);
      expect(run.stderr).toMatch(/deliberate models check/);
      // An outage is never a summary-only label: the prompts wait for the classifier, none was generated.
      expect(chatRequests('fake-teacher') - teacherBefore).toBe(0);
    }
  });

  it('resets on some teacher calls: exits 1 with FAILED first, unless --allow-failures covers them', async () => {
    const folder = project();
    server.setHandler((body) =>
      body.model === 'fake-teacher' && Number(body.seed) === 1 ? { kind: 'reset' } : pipelineHandler(body),
    );
    const run = await runCli(['run'], { cwd: folder });
    expect(run.exitCode).toBe(1);
    expect(run.stdout.split('\n')[0]).toMatch(/^FAILED {6}3 of 6 calls of role "teacher" failed after retries/);
    const manifest = readJson(path.join(folder, 'out', 'manifest.json'));
    // One source of truth: the counts are the events.
    expect(manifest.counts.generations.failures).toEqual({ 'transport-failure': 3 });
    expect(manifest.events['generate:transport-failure']).toBe(3);
    expect(manifest.status).toBe('failed');
    expect(manifest.roleCalls.teacher).toMatchObject({ calls: 6, successes: 3, failures: { 'transport-failure': 3 } });
    const samples = readFileSync(path.join(folder, 'out', 'samples.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const failed = samples.filter((sample) => sample.status === 'failed');
    expect(failed).toHaveLength(3);
    for (const sample of failed) {
      expect(sample.reason).toBe('generate:transport-failure');
      expect(sample.message).toMatch(/\S/);
    }
    const allowed = await runCli(['run', '--allow-failures', '0.5', '--json'], { cwd: folder });
    expect(allowed.exitCode).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ status: 'complete', problems: [] });
  });

  it('summary, manifest and --json agree with the events on a run with judge faults of several kinds', async () => {
    const folder = project({ extraConfig: 'failures:\n  allowFailures: 1\n' });
    let judgeCalls = 0;
    server.setHandler((body) => {
      if (body.model !== 'fake-judge') return pipelineHandler(body);
      judgeCalls += 1;
      if (judgeCalls % 5 === 1) return { kind: 'status', status: 503 };
      if (judgeCalls % 5 === 2) return { content: 'not json at all' };
      return pipelineHandler(body);
    });
    const run = await runCli(['run', '--json'], { cwd: folder });
    expect(run.exitCode).toBe(0);
    const manifest = readJson(path.join(folder, 'out', 'manifest.json'));
    const unscoredEvents = Object.fromEntries(
      Object.entries(manifest.events as Record<string, number>)
        .filter(([kind]) => kind.startsWith('judge:unscored:'))
        .map(([kind, amount]) => [kind.slice('judge:unscored:'.length), amount]),
    );
    expect(Object.keys(unscoredEvents).length).toBeGreaterThan(0);
    expect(manifest.counts.judge.unscored).toEqual(unscoredEvents);
    const summary = await runCli(['select'], { cwd: folder });
    expect(summary.stdout).not.toMatch(/unscored: none/);
  });
});
