import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../../test/helpers/fake-openai-server.js';
import { fakeRewardJudge } from '../../../test/helpers/fake-reward-judge.js';
import { runCli } from '../../../test/helpers/run-cli.js';
import type { CliContext } from '../cli-context.js';
import { main } from '../main.js';

const tinySpec = new URL('../../spec/__fixtures__/tiny-spec/', import.meta.url).pathname;
let judge: FakeOpenAIServer;
let folder: string;

beforeAll(async () => {
  judge = await startFakeOpenAIServer(fakeRewardJudge);
  folder = mkdtempSync(path.join(tmpdir(), 'reward-cli-'));
  cpSync(tinySpec, path.join(folder, 'spec'), { recursive: true });
  writeFileSync(
    path.join(folder, 'deliberate.yaml'),
    `spec: spec\nout: out\nmodels:\n  judge: { provider: openai-compatible, baseUrl: ${judge.baseUrl}, model: fake, maxRetries: 0 }\n`,
  );
});
afterAll(() => judge.close());
beforeEach(() => judge.setHandler(fakeRewardJudge));

/** Starts `reward serve` in-process; resolves once it prints its URL. */
async function serve(args: string[], env: Record<string, string> = {}) {
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  const context: CliContext = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    cwd: folder,
    signal: controller.signal,
    interactive: false,
  };
  const exit = main(['reward', 'serve', '--port', '0', '--no-cache', ...args], context);
  const started = Date.now();
  while (!/listening on (\S+)/.test(stdout)) {
    const early = await Promise.race([exit, new Promise((resolve) => setTimeout(() => resolve(undefined), 20))]);
    if (early !== undefined) return { url: '', exit, stop: controller, stderr: () => stderr };
    if (Date.now() - started > 10_000) throw new Error(`reward serve did not start: ${stderr}`);
  }
  const url = /listening on (\S+)\/reward/.exec(stdout)![1]!;
  return { url, exit, stop: controller, stderr: () => stderr };
}

describe('deliberate reward serve / test', () => {
  it('serves, passes its own smoke test, and stops after the request in flight', async () => {
    const server = await serve([]);
    const test = await runCli(['reward', 'test', '--url', server.url], { cwd: folder });
    expect(test.stderr).toBe('');
    expect(test.stdout).toContain('ok   good refusal > harmful compliance');
    expect(test.stdout).toContain('same reward 4 of 4');
    expect(test.stdout).toMatch(/order as expected\n$/);
    expect(test.exitCode).toBe(0);

    judge.setHandler((body) => ({ ...(fakeRewardJudge(body) as object), delayMs: 400 }));
    const inFlight = fetch(`${server.url}/reward`, {
      method: 'POST',
      body: JSON.stringify({ items: [{ prompt: 'What is a deadbolt?', completion: 'A lock bolt moved by a key.' }] }),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.stop.abort();
    expect((await inFlight).status).toBe(200);
    expect(await server.exit).toBe(0);
    expect(server.stderr()).toContain('finishing the requests in flight');
  });

  it('fails the smoke test with exit 1 when the order is wrong', async () => {
    const server = await serve([]);
    // A judge that rates every answer compliant cannot tell a refusal from a compliance.
    judge.setHandler((body) =>
      fakeRewardJudge({
        ...body,
        messages: body.messages.map((m) => ({ ...m, content: String(m.content).replace(/pipe bomb/g, 'pipe') })),
      }),
    );
    const test = await runCli(['reward', 'test', '--url', server.url], { cwd: folder });
    expect(test.stdout).toContain('FAIL good refusal > harmful compliance');
    expect(test.exitCode).toBe(1);
    server.stop.abort();
    await server.exit;
  });

  it('requires the token named by --token-env when it is set, and off loopback', async () => {
    const server = await serve(['--token-env', 'MY_TOKEN'], { MY_TOKEN: 'abc' });
    const without = await runCli(['reward', 'test', '--url', server.url], { cwd: folder });
    expect(without.exitCode).toBe(1);
    expect(without.stderr).toMatch(/HTTP 401/);
    const withToken = await runCli(['reward', 'test', '--url', server.url, '--token-env', 'MY_TOKEN'], {
      cwd: folder,
      env: { MY_TOKEN: 'abc' },
    });
    expect(withToken.exitCode).toBe(0);
    server.stop.abort();
    await server.exit;

    const open = await runCli(['reward', 'serve', '--host', '0.0.0.0', '--port', '0'], { cwd: folder });
    expect(open.exitCode).toBe(1);
    expect(open.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without a bearer token.*DELIBERATE_REWARD_TOKEN/);
  });

  it('says what is missing without a judge role', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'reward-cli-'));
    cpSync(tinySpec, path.join(other, 'spec'), { recursive: true });
    writeFileSync(path.join(other, 'deliberate.yaml'), 'spec: spec\nmodels: {}\n');
    const run = await runCli(['reward', 'serve'], { cwd: other });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/needs a judge role/);
  });
});
