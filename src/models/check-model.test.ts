import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../test/helpers/fake-openai-server.js';
import { ModelSettings } from '../records/model-settings.js';
import { checkModel, formatModelChecks } from './check-model.js';
import { createModelClient } from './generate.js';
import { createOpenAICompatibleModel } from './openai-compatible-model.js';

let server: FakeOpenAIServer | undefined;
let raw: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (raw) {
    raw.closeAllConnections();
    await new Promise((resolve) => raw!.close(resolve));
  }
  raw = undefined;
});

function settings(baseUrl: string, extra: Record<string, unknown> = {}): ModelSettings {
  return ModelSettings.parse({ provider: 'openai-compatible', baseUrl, model: 'fake-model', ...extra });
}

async function htmlServer(): Promise<string> {
  raw = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><html><head><title>Open WebUI</title></head><body></body></html>');
  });
  await new Promise<void>((resolve) => raw!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
}

describe('checkModel: realistic failures name the role, the URL and the fix', () => {
  it('a DNS failure says the server cannot be reached and how to fix baseUrl', async () => {
    const fetchFailing: typeof fetch = async () => {
      const cause = Object.assign(new Error('getaddrinfo ENOTFOUND gpu-box'), { code: 'ENOTFOUND' });
      throw new TypeError('fetch failed', { cause });
    };
    const check = await checkModel(settings('http://gpu-box:8000/v1'), { role: 'judge', env: {}, fetch: fetchFailing });
    expect(check.ok).toBe(false);
    expect(formatModelChecks([check])).toMatch(
      /judge \(http:\/\/gpu-box:8000\/v1\): cannot reach .*ENOTFOUND; fix: is the server running at http:\/\/gpu-box:8000\/v1\?/,
    );
  });

  it('a server that answers with an HTML page is not retried and the fix names baseUrl, not timeoutMs', async () => {
    const baseUrl = await htmlServer();
    const check = await checkModel(settings(baseUrl, { maxRetries: 3 }), { role: 'judge', env: {} });
    const text = formatModelChecks([check]);
    expect(check.ok).toBe(false);
    expect(text).toMatch(/answered with an HTML page/);
    expect(text).toMatch(/set baseUrl to the API root of the server \(usually ending in \/v1/);
    expect(text).not.toMatch(/timeoutMs/);
  });

  for (const stream of [false, true]) {
    it(`in a run, an HTML page is a transport failure at once (no retries), with the fix (stream: ${stream})`, async () => {
      const baseUrl = await htmlServer();
      const model = createOpenAICompatibleModel({ baseUrl, model: 'fake-model', stream });
      const outcome = await createModelClient(model, { maxRetries: 3, retryBaseDelayMs: 5 }).generate({
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(outcome).toMatchObject({ ok: false, kind: 'transport-failure', attempts: 1 });
      if (!outcome.ok) expect(outcome.hint).toMatch(/\/v1/);
    });
  }

  it('a teacher without a reasoning parser fails the check and names the parser flags', async () => {
    server = await startFakeOpenAIServer((body) =>
      body.response_format ? { content: '{"ready":true}' } : { content: 'ready' },
    );
    const check = await checkModel(settings(server.baseUrl), { role: 'teacher', env: {} });
    expect(check).toMatchObject({ ok: false, reasoningSource: 'none', jsonMode: 'works' });
    expect(check.problems.join('\n')).toMatch(/--reasoning-parser/);
  });
});

describe('checkModel: empty replies', () => {
  it('an empty reply fails the check; only a reply cut off by the budget is told to raise maxTokens', async () => {
    server = await startFakeOpenAIServer(() => ({ content: '' }));
    const empty = await checkModel(settings(server.baseUrl), { role: 'judge', env: {} });
    expect(empty.ok).toBe(false);
    expect(empty.problems.join('\n')).toMatch(/empty answer.*fix: check the server's chat template/);
    server.setHandler(() => ({ reasoning: 'Hmm…', content: '', finish_reason: 'length' }));
    const cut = await checkModel(settings(server.baseUrl), { role: 'judge', env: {} });
    expect(cut.problems.join('\n')).toMatch(/fix: raise maxTokens/);
  });
});

describe('checkModel: JSON mode', () => {
  it('JSON that lands in the reasoning field (vLLM with a reasoning parser) gets its own fix', async () => {
    server = await startFakeOpenAIServer((body) =>
      body.response_format ? { reasoning: '{"ready":true}', content: null } : { reasoning: 'ok', content: 'ready' },
    );
    const check = await checkModel(settings(server.baseUrl), { role: 'judge', env: {} });
    expect(check).toMatchObject({ ok: false, jsonMode: 'failed' });
    expect(check.problems.join('\n')).toMatch(/put the JSON in the reasoning field.*structuredOutput: prompt/);
  });

  it('the failure names the JSON mode the preset actually uses', async () => {
    server = await startFakeOpenAIServer(() => ({ content: 'not json at all' }));
    const check = await checkModel(settings(server.baseUrl, { preset: 'deepseek' }), { role: 'judge', env: {} });
    expect(check.jsonMode).toBe('failed');
    expect(check.problems.join('\n')).toContain('JSON mode (response_format json_object) failed');
  });
});
