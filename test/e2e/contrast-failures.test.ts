/**
 * `deliberate prompts contrast` under the shared failure policy (issue 8): a teacher whose calls all fail, or fail
 * more than allowed, makes the command exit non-zero with the words `run` uses (role, model, URL, kinds with counts,
 * the first provider message redacted, the fix); a dead or unauthorised endpoint stops it before any paid request.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHandler, type FakeOpenAIServer, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { fixturePrompts, pipelineHandler, writeProject } from './pipeline-fixture.js';

let server: FakeOpenAIServer;
const folders: string[] = [];
beforeAll(async () => {
  server = await startFakeOpenAIServer(pipelineHandler);
});
afterAll(async () => {
  await server.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

// One comply prompt (skipped) and three parents.
const prompts = fixturePrompts.filter((prompt) => ['locks', 'neighbour', 'leak', 'sad'].includes(prompt.id));

function project(options: { baseUrl?: string; extraConfig?: string } = {}): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-contrast-'));
  folders.push(folder);
  writeProject(folder, { baseUrl: options.baseUrl ?? server.baseUrl, prompts, extraConfig: options.extraConfig });
  return folder;
}

const rewrite: FakeHandler = () => ({ content: JSON.stringify({ rewrites: [{ prompt: 'A harmless look-alike' }] }) });

function requestText(body: Parameters<FakeHandler>[0]): string {
  return body.messages.map((message) => String(message.content ?? '')).join('\n');
}

function contrastRows(folder: string): unknown[] {
  const text = readFileSync(path.join(folder, 'out', 'contrast-prompts.jsonl'), 'utf8').trim();
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line));
}

describe('prompts contrast: fail fast, fail loud', () => {
  it('every teacher call rejected (401): exits 1 with FAILED first, role, URL, kinds, redacted message, fix', async () => {
    const folder = project();
    server.setHandler(() => ({
      kind: 'status',
      status: 401,
      body: { error: { message: 'Incorrect API key provided: sk-abcdefghijkl' } },
    }));
    const run = await runCli(['prompts', 'contrast'], { cwd: folder });
    expect(run.exitCode).toBe(1);
    const first = run.stdout.split('\n')[0]!;
    expect(first).toMatch(
      /^FAILED {6}every call of role "teacher" failed: teacher \(openai-compatible:fake-teacher at http:\/\/127\.0\.0\.1:\d+\/v1\): 3 of 3 calls failed \(transport-failure 3\); first: HTTP 401/,
    );
    expect(run.stdout).not.toContain('sk-abcdefghijkl');
    expect(run.stderr).not.toContain('sk-abcdefghijkl');
    expect(run.stderr).toContain('error: every call of role "teacher" failed');
    expect(run.stderr).toContain('deliberate models check --role teacher');
    expect(contrastRows(folder)).toEqual([]);
    const json = await runCli(['prompts', 'contrast', '--json'], { cwd: folder });
    expect(json.exitCode).toBe(1);
    const summary = JSON.parse(json.stdout);
    expect(summary).toMatchObject({
      status: 'failed',
      counts: { parents: 3, written: 0, failed: 3 },
      events: { 'generate:transport-failure': 3 },
      roleCalls: { teacher: { calls: 3, successes: 0, failures: { 'transport-failure': 3 } } },
    });
    expect(summary.problems[0]).toContain('every call of role "teacher" failed');
  });

  it('every answer unusable (schema failures): nothing written because of failures, so it fails', async () => {
    const folder = project();
    server.setHandler(() => ({ content: 'not json at all' }));
    const run = await runCli(['prompts', 'contrast', '--allow-failures', '1'], { cwd: folder });
    expect(run.exitCode).toBe(1);
    expect(run.stdout.split('\n')[0]).toContain('3 of 3 calls failed (schema-failure 3)');
  });

  it('resets on one parent: exits 1 over the allowance, 0 with --allow-failures covering it', async () => {
    const folder = project();
    server.setHandler((body, index) => (requestText(body).includes('LEAK') ? { kind: 'reset' } : rewrite(body, index)));
    const run = await runCli(['prompts', 'contrast'], { cwd: folder });
    expect(run.exitCode).toBe(1);
    expect(run.stdout.split('\n')[0]).toMatch(
      /^FAILED {6}1 of 3 calls of role "teacher" failed after retries, more than the allowed 0%/,
    );
    expect(run.stderr).toContain('--allow-failures');
    // The look-alikes that were written are kept.
    expect(contrastRows(folder)).toHaveLength(2);
    const allowed = await runCli(['prompts', 'contrast', '--allow-failures', '0.5', '--json'], { cwd: folder });
    expect(allowed.exitCode).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ status: 'complete', problems: [], counts: { failed: 1 } });
    // The config key does the same.
    const configured = project({ extraConfig: 'failures:\n  allowFailures: 0.5\n' });
    expect((await runCli(['prompts', 'contrast'], { cwd: configured })).exitCode).toBe(0);
  });

  it('a teacher answering 500: the streak breaker stops the sending', async () => {
    const folder = project({ extraConfig: 'failures:\n  streakLimit: 2\n' });
    writeFileSync(
      path.join(folder, 'deliberate.yaml'),
      readFileSync(path.join(folder, 'deliberate.yaml'), 'utf8').replaceAll('concurrency: 4', 'concurrency: 1'),
    );
    server.setHandler(() => ({ kind: 'status', status: 500 }));
    const before = server.requests.length;
    const run = await runCli(['prompts', 'contrast'], { cwd: folder });
    expect(run.exitCode).toBe(1);
    expect(run.stdout.split('\n')[0]).toContain('stopped after 2 transport failures in a row from role "teacher"');
    expect(server.requests.length - before).toBe(2);
  });

  it('an unauthorised endpoint (401 on every route): stops at the preflight, nothing sent, --json still prints', async () => {
    const guarded = await startFakeOpenAIServer(rewrite, { apiKey: 'right-key-123456' });
    try {
      const folder = project({ baseUrl: guarded.baseUrl });
      const config = path.join(folder, 'deliberate.yaml');
      writeFileSync(
        config,
        readFileSync(config, 'utf8').replaceAll('    maxRetries: 0', '    maxRetries: 0\n    apiKeyEnv: FAKE_KEY'),
      );
      const run = await runCli(['prompts', 'contrast', '--json'], {
        cwd: folder,
        env: { FAKE_KEY: 'wrong-key-654321' },
      });
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('role "teacher" (openai-compatible:fake-teacher at');
      expect(run.stderr).toContain('HTTP 401');
      expect(run.stderr).toContain('deliberate models check --role teacher');
      expect(run.stderr).not.toContain('wrong-key-654321');
      expect(guarded.requests).toHaveLength(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'failed' });
    } finally {
      await guarded.close();
    }
  });
});
