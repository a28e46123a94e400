import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../../test/helpers/fake-openai-server.js';
import { runCli } from '../../../test/helpers/run-cli.js';
import { writeTinyGguf } from '../../../test/helpers/tiny-gguf.js';

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function writeConfig(folder: string, models: string): string {
  const file = path.join(folder, 'deliberate.yaml');
  writeFileSync(file, `spec: ./spec.md\nout: ./runs/test\nmodels:\n${models}`);
  return file;
}

describe('deliberate models check', () => {
  it('exits 0 against a working endpoint and reports reasoning field, JSON mode and latency', async () => {
    server = await startFakeOpenAIServer((body) =>
      body.response_format ? { reasoning: 'ok', content: '{"ready":true}' } : { reasoning: 'Easy.', content: 'ready' },
    );
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-check-'));
    writeConfig(
      folder,
      `  teacher: { provider: openai-compatible, baseUrl: "${server.baseUrl}", model: fake-model, apiKeyEnv: FAKE_KEY }\n  judge: { provider: openai-compatible, baseUrl: "${server.baseUrl}", model: fake-model, preset: vllm }\n`,
    );
    const output = await runCli(['models', 'check'], { cwd: folder, env: { FAKE_KEY: 'sk-check-secret' } });
    expect(output.stdout).toMatch(/teacher: ok .*reasoning: reasoning.*json_schema: works/);
    expect(output.stdout).toMatch(/all 2 roles work/);
    expect(output.exitCode).toBe(0);
    expect(output.stdout + output.stderr).not.toMatch(/sk-check-secret/);
    const json = await runCli(['models', 'check', '--json', '--role', 'judge'], {
      cwd: folder,
      env: { FAKE_KEY: 'k' },
    });
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject([{ role: 'judge', ok: true, jsonMode: 'works' }]);
  });

  it('exits non-zero against an unreachable endpoint, naming the role, the URL and the fix', async () => {
    // A port that was just free: nothing listens there.
    const closed = await startFakeOpenAIServer(() => ({ content: '' }));
    await closed.close();
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-check-'));
    writeConfig(
      folder,
      `  judge: { provider: openai-compatible, baseUrl: "${closed.baseUrl}", model: m, timeoutMs: 5000 }\n`,
    );
    const output = await runCli(['models', 'check', '--config', 'deliberate.yaml'], { cwd: folder });
    expect(output.exitCode).toBe(1);
    expect(output.stdout).toContain(
      `judge (${closed.baseUrl}): cannot reach ${closed.baseUrl}/chat/completions: ECONNREFUSED`,
    );
    expect(output.stdout).toContain(`fix: is the server running at ${closed.baseUrl}?`);
  });

  it('names the variable for a missing key and lists the served ids for an unknown model', async () => {
    server = await startFakeOpenAIServer(
      () => ({ kind: 'status', status: 404, body: { error: { message: 'model not found' } } }),
      {
        models: ['qwen3-8b', 'qwen3-32b'],
      },
    );
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-check-'));
    writeConfig(
      folder,
      `  teacher: { provider: openai-compatible, baseUrl: "${server.baseUrl}", model: qwen-typo }\n  judge: { provider: openai-compatible, baseUrl: "${server.baseUrl}", model: m, apiKeyEnv: JUDGE_KEY }\n`,
    );
    const output = await runCli(['models', 'check'], { cwd: folder });
    expect(output.exitCode).toBe(1);
    expect(output.stdout).toMatch(/teacher .*unknown model "qwen-typo".*qwen3-8b, qwen3-32b/);
    expect(output.stdout).toMatch(/judge .*JUDGE_KEY/);
  });

  it('checks a gguf role through the config (path relative to the config file)', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-check-'));
    writeTinyGguf(path.join(folder, 'tiny.gguf'));
    writeConfig(
      folder,
      '  student: { provider: gguf, path: ./tiny.gguf, threads: 1, contextSize: 1024, maxTokens: 64 }\n',
    );
    const output = await runCli(['models', 'check', '--json'], { cwd: folder });
    const [check] = JSON.parse(output.stdout) as Array<{ role: string; url: string; jsonMode: string }>;
    expect(check).toMatchObject({ role: 'student', url: path.join(folder, 'tiny.gguf'), jsonMode: 'works' });
  });

  it('reports a 401 with the apiKeyEnv variable to set', async () => {
    server = await startFakeOpenAIServer(() => ({ kind: 'status', status: 401 }));
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-check-'));
    writeConfig(
      folder,
      `  judge: { provider: openai-compatible, baseUrl: "${server.baseUrl}", model: m, apiKeyEnv: JUDGE_KEY }\n`,
    );
    const output = await runCli(['models', 'check'], { cwd: folder, env: { JUDGE_KEY: 'wrong-key-value' } });
    expect(output.exitCode).toBe(1);
    expect(output.stdout).toMatch(/HTTP 401.*set the environment variable JUDGE_KEY/);
    expect(output.stdout).not.toMatch(/wrong-key-value/);
  });

  it('refuses an empty models map instead of passing with "all 0 roles work"', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-check-'));
    writeFileSync(path.join(folder, 'deliberate.yaml'), 'spec: ./spec.md\nout: ./runs/test\nmodels: {}\n');
    const output = await runCli(['models', 'check'], { cwd: folder });
    expect(output.exitCode).toBe(1);
    expect(output.stdout).not.toMatch(/roles work/);
    expect(output.stderr).toMatch(/no models to check: models in .*deliberate\.yaml is empty/);
    expect(output.stderr).toMatch(/add a role under models/);
  });
});

describe('deliberate models batch-write / batch-read', () => {
  it('writes pending requests and reads results back into the cache', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-batch-cli-'));
    writeConfig(
      folder,
      '  teacher: { provider: openai-compatible, baseUrl: "http://127.0.0.1:9/v1", model: m, maxTokens: 99 }\n',
    );
    writeFileSync(
      path.join(folder, 'requests.jsonl'),
      `${JSON.stringify({ messages: [{ role: 'user', content: 'a' }] })}\n${JSON.stringify({ messages: [{ role: 'user', content: 'b' }] })}\n`,
    );
    const write = await runCli(
      ['models', 'batch-write', '--role', 'teacher', '--requests', 'requests.jsonl', '-o', 'in.jsonl'],
      { cwd: folder },
    );
    expect(write.exitCode).toBe(0);
    expect(write.stdout).toMatch(/wrote 2 requests/);
    const lines = readFileSync(path.join(folder, 'in.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0].body.max_tokens).toBe(99);
    const results = lines.map((line) => ({
      id: 'x',
      custom_id: line.custom_id,
      response: {
        status_code: 200,
        request_id: 'r',
        body: {
          choices: [{ message: { content: 'done' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1 },
        },
      },
      error: null,
    }));
    writeFileSync(path.join(folder, 'out.jsonl'), results.map((line) => JSON.stringify(line)).join('\n'));
    const read = await runCli(['models', 'batch-read', 'out.jsonl', '--role', 'teacher'], { cwd: folder });
    expect(read.exitCode).toBe(0);
    expect(read.stdout).toMatch(/stored 2 results/);
    const again = await runCli(
      ['models', 'batch-write', '--role', 'teacher', '--requests', 'requests.jsonl', '-o', 'in2.jsonl'],
      { cwd: folder },
    );
    expect(again.stdout).toMatch(/wrote 0 requests .*2 already cached/);
  });

  it('names a --requests path that is missing or a folder, and writes no batch file', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-batch-cli-'));
    writeConfig(folder, '  teacher: { provider: openai-compatible, baseUrl: "http://127.0.0.1:9/v1", model: m }\n');
    for (const [requests, code] of [
      ['missing.jsonl', 'ENOENT'],
      ['.', 'EISDIR'],
    ]) {
      const output = await runCli(
        ['models', 'batch-write', '--role', 'teacher', '--requests', requests!, '-o', 'in.jsonl'],
        { cwd: folder },
      );
      expect(output.exitCode).toBe(1);
      expect(output.stderr).not.toMatch(/internal error/);
      expect(output.stderr).toContain(`${path.resolve(folder, requests!)}: error: cannot read JSONL file: ${code}`);
    }
    expect(existsSync(path.join(folder, 'in.jsonl'))).toBe(false);
  });

  it('names the request cache when the config out is an existing file', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-batch-cli-'));
    writeFileSync(
      path.join(folder, 'deliberate.yaml'),
      'spec: ./spec.md\nout: ./notes.txt\nmodels:\n  teacher: { provider: openai-compatible, baseUrl: "http://127.0.0.1:9/v1", model: m }\n',
    );
    writeFileSync(path.join(folder, 'notes.txt'), 'mine');
    writeFileSync(
      path.join(folder, 'requests.jsonl'),
      `${JSON.stringify({ messages: [{ role: 'user', content: 'a' }] })}\n`,
    );
    const output = await runCli(
      ['models', 'batch-write', '--role', 'teacher', '--requests', 'requests.jsonl', '-o', 'in.jsonl'],
      { cwd: folder },
    );
    expect(output.exitCode).toBe(1);
    expect(output.stderr).not.toMatch(/internal error/);
    expect(output.stderr).toContain(
      `${path.join(folder, 'notes.txt', 'request-cache.sqlite')}: error: cannot open the request cache: EEXIST`,
    );
    expect(output.stderr).toMatch(/names a writable folder path, not an existing file/);
    expect(readFileSync(path.join(folder, 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('deliberate models pull', () => {
  it('downloads from HF_ENDPOINT into --dir and reports the checksum', async () => {
    const bytes = Buffer.from('GGUF tiny test payload');
    const hub = createServer((request, response) => {
      if (request.method === 'HEAD') response.writeHead(200, { 'content-length': String(bytes.length) }).end();
      else response.writeHead(200, { 'content-length': String(bytes.length) }).end(bytes);
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    try {
      const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-pull-cli-'));
      const endpoint = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
      const output = await runCli(['models', 'pull', 'owner/repo', 'm.gguf', '--dir', 'models'], {
        cwd: folder,
        env: { HF_ENDPOINT: endpoint },
      });
      expect(output.exitCode).toBe(0);
      const file = path.join(folder, 'models', 'owner--repo', 'main', 'm.gguf');
      expect(readFileSync(file)).toEqual(bytes);
      expect(output.stdout).toContain(`downloaded: ${file}`);
      expect(output.stdout).toMatch(/the hub gave no checksum; recorded only/);
      expect(output.stderr).toMatch(/downloading m\.gguf/);
    } finally {
      hub.closeAllConnections();
      await new Promise<void>((resolve) => hub.close(() => resolve()));
    }
  });
});
