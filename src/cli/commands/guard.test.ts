import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../../test/helpers/fake-openai-server.js';
import { defaultReply, isPolicyCheck } from '../../../test/helpers/guard-fixture.js';
import { runCli } from '../../../test/helpers/run-cli.js';
import { tinySpecFolder, xstestFixtureCsv } from '../../../test/helpers/run-eval-fixture.js';
import type { CliContext } from '../cli-context.js';
import { main } from '../main.js';

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A project with the tiny spec, an upstream `base` and a `judge` on the fake server (retries off). */
function writeProject(baseUrl: string, guard = ''): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-guard-'));
  cpSync(tinySpecFolder, path.join(folder, 'spec'), { recursive: true });
  const role = `{ provider: openai-compatible, baseUrl: "${baseUrl}", model: fake-model, maxRetries: 0 }`;
  writeFileSync(
    path.join(folder, 'deliberate.yaml'),
    `spec: ./spec\nmodels:\n  base: ${role}\n  judge: ${role}\n${guard}`,
  );
  return folder;
}

/** Starts `deliberate guard serve …` in-process; resolves with its URL and a stop function. */
async function serve(argv: string[], cwd: string, env: Record<string, string> = {}) {
  const controller = new AbortController();
  let stderr = '';
  const context: CliContext = {
    stdout: () => {},
    stderr: (text) => {
      stderr += text;
    },
    env,
    cwd,
    signal: controller.signal,
    interactive: false,
  };
  const done = main(['guard', 'serve', ...argv], context);
  for (let wait = 0; wait < 200 && !/listening on/.test(stderr); wait++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    if (/error/.test(stderr)) break;
  }
  const url = /listening on (\S+)\/v1/.exec(stderr)?.[1];
  return {
    url,
    stderr: () => stderr,
    async stop() {
      controller.abort();
      return done;
    },
  };
}

describe('deliberate guard serve / test', () => {
  it('serves moderate mode and `guard test` prints each decision', async () => {
    server = await startFakeOpenAIServer((body) => {
      if (!isPolicyCheck(body)) return defaultReply(body);
      const harmful = /pipe bomb/.test(JSON.stringify(body.messages));
      return {
        content: JSON.stringify({
          violation: harmful,
          categories: harmful ? ['illicit'] : [],
          ruleIds: harmful ? ['illicit.K3'] : [],
          action: harmful ? 'refuse' : 'comply',
          rationale: 'r',
        }),
      };
    });
    const folder = writeProject(server.baseUrl, 'guard:\n  audit: { file: ./audit/log.jsonl }\n');
    const running = await serve(['--upstream', 'base', '--mode', 'moderate', '--port', '0'], folder, {
      DELIBERATE_GUARD_TOKEN: 'tok',
    });
    expect(running.url, running.stderr()).toBeDefined();
    expect(running.stderr()).toContain('mode moderate; upstream base = openai-compatible:fake-model');
    const test = await runCli(['guard', 'test', '--url', running.url!], {
      cwd: folder,
      env: { DELIBERATE_GUARD_TOKEN: 'tok' },
    });
    expect(test.exitCode, test.stderr).toBe(0);
    const lines = test.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^benign +HTTP 200 +decision allow/);
    expect(lines[1]).toMatch(/^harmful +HTTP 200 +decision block +rules illicit\.K3 +Sorry, I can't help with that\./);
    expect(lines[2]).toMatch(/^jailbreak +HTTP 200 +decision block/);
    const noToken = await runCli(['guard', 'test', '--url', running.url!], { cwd: folder });
    expect(noToken.exitCode).toBe(1);
    expect(noToken.stdout).toMatch(/HTTP 401/);
    expect(await running.stop()).toBe(0);
    const audit = readFileSync(path.join(folder, 'audit/log.jsonl'), 'utf8').trim().split('\n');
    expect(audit).toHaveLength(3);
    expect(audit.join('\n')).not.toContain('tok');
  });

  it('refuses to listen off loopback without a token, naming the variable', async () => {
    server = await startFakeOpenAIServer(defaultReply);
    const folder = writeProject(server.baseUrl);
    const output = await runCli(['guard', 'serve', '--upstream', 'base', '--host', '0.0.0.0', '--port', '0'], {
      cwd: folder,
    });
    expect(output.exitCode).toBe(1);
    expect(output.stderr).toContain('refusing to listen on 0.0.0.0 without a bearer token');
    expect(output.stderr).toContain('DELIBERATE_GUARD_TOKEN');
  });

  it('says which role is missing', async () => {
    server = await startFakeOpenAIServer(defaultReply);
    const folder = writeProject(server.baseUrl);
    const unknown = await runCli(['guard', 'serve', '--upstream', 'bsae'], { cwd: folder });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/--upstream names the role "bsae".*did you mean "base"/s);
    const none = await runCli(['guard', 'serve'], { cwd: folder });
    expect(none.stderr).toContain('the guard needs an upstream role');
  });

  it('`guard test` against nothing says it cannot reach the guard', async () => {
    const closed = await startFakeOpenAIServer(defaultReply);
    await closed.close();
    const output = await runCli(['guard', 'test', '--url', closed.url], { cwd: tmpdir() });
    expect(output.exitCode).toBe(1);
    expect(output.stderr).toContain(`cannot reach the guard at ${closed.url}`);
  });
});

describe('deliberate eval --targets guard:<role>', () => {
  it('evaluates the role behind the guard as one more arm, the spec reaching the upstream', async () => {
    server = await startFakeOpenAIServer(() => ({ content: "Sorry, I can't help with that." }));
    const folder = writeProject(server.baseUrl);
    writeFileSync(path.join(folder, 'xstest.csv'), xstestFixtureCsv);
    const output = await runCli(
      [
        'eval',
        '--targets',
        'base,guard:base',
        '--benchmarks',
        'xstest',
        '--data',
        'xstest=xstest.csv',
        '--json',
        '--out',
        'evals/g',
      ],
      { cwd: folder },
    );
    expect(output.exitCode, output.stderr).toBe(0);
    const result = JSON.parse(output.stdout) as { arms: Array<{ name: string; modelId: string }> };
    expect(result.arms.map((arm) => [arm.name, arm.modelId])).toEqual([
      ['base', 'openai-compatible:fake-model'],
      ['guard:base', 'openai-compatible:guard:base'],
    ]);
    const withSpec = server.requests.filter((request) =>
      String(request.body.messages[0]?.content).includes('Spec tiny-safety'),
    );
    expect(withSpec).toHaveLength(6);
    const audit = readFileSync(path.join(folder, 'evals/g/guard-audit-base.jsonl'), 'utf8').trim().split('\n');
    expect(audit).toHaveLength(6);
  });

  it('rejects guard:<role>+spec', async () => {
    server = await startFakeOpenAIServer(defaultReply);
    const folder = writeProject(server.baseUrl);
    const output = await runCli(['eval', '--targets', 'guard:base+spec'], { cwd: folder });
    expect(output.exitCode).toBe(1);
    expect(output.stderr).toContain('no guard:<role>+spec');
  });
});
