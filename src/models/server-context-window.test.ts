import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelSettings } from '../records/model-settings.js';
import { resolveContextWindow } from './server-context-window.js';

type Route = (request: IncomingMessage, body: string) => { status?: number; json?: unknown } | 'stall';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A local server answering by `METHOD path`; every request is recorded. */
async function serve(routes: Record<string, Route>) {
  const seen: Array<{ route: string; body: string; authorization?: string }> = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const route = `${request.method} ${request.url}`;
    seen.push({ route, body, authorization: request.headers.authorization });
    const answer = routes[route]?.(request, body) ?? { status: 404, json: { error: 'no route' } };
    if (answer === 'stall') return;
    response.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.json ?? {}));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { root, baseUrl: `${root}/v1`, seen };
}

function teacher(baseUrl: string, extra: Partial<ModelSettings> = {}): ModelSettings {
  return { provider: 'openai-compatible', baseUrl, model: 'served-model', ...extra } as ModelSettings;
}

const fallback = { contextWindow: 131_072, windowSource: 'intake.defaultContextWindow' };

describe('resolveContextWindow', () => {
  it("vLLM / SGLang: the served model's max_model_len from GET /v1/models, with the key sent", async () => {
    const server = await serve({
      'GET /v1/models': () => ({
        json: {
          data: [
            { id: 'other', owned_by: 'vllm', max_model_len: 999 },
            { id: 'served-model', owned_by: 'vllm', max_model_len: 8192 },
          ],
        },
      }),
    });
    const window = await resolveContextWindow('teacher', teacher(server.baseUrl, { apiKeyEnv: 'KEY' }), fallback, {
      env: { KEY: 'secret-1' },
    });
    expect(window).toEqual({ contextWindow: 8192, windowSource: `server GET ${server.baseUrl}/models max_model_len` });
    expect(server.seen).toEqual([{ route: 'GET /v1/models', body: '', authorization: 'Bearer secret-1' }]);
  });

  it('llama.cpp server: GET /props default_generation_settings.n_ctx (the window of one slot)', async () => {
    const server = await serve({
      'GET /v1/models': () => ({ json: { data: [{ id: 'served-model', owned_by: 'llamacpp' }] } }),
      'GET /props': () => ({ json: { default_generation_settings: { n_ctx: 4096, params: {} }, total_slots: 4 } }),
    });
    const window = await resolveContextWindow('teacher', teacher(server.baseUrl), fallback, { env: {} });
    expect(window).toEqual({
      contextWindow: 4096,
      windowSource: `server GET ${server.root}/props default_generation_settings.n_ctx`,
    });
    expect(server.seen.map((request) => request.route)).toEqual(['GET /v1/models', 'GET /props']);
  });

  it('Ollama: num_ctx of the parameters first (what Ollama runs with)', async () => {
    const server = await serve({
      'GET /v1/models': () => ({ json: { data: [{ id: 'served-model', owned_by: 'library' }] } }),
      'POST /api/show': () => ({
        json: {
          parameters: 'num_keep                       24\nnum_ctx                        16384\nstop "<|eot_id|>"',
          model_info: { 'general.architecture': 'llama', 'llama.context_length': 131072 },
        },
      }),
    });
    const window = await resolveContextWindow('teacher', teacher(server.baseUrl), fallback, { env: {} });
    expect(window).toEqual({
      contextWindow: 16384,
      windowSource: `server POST ${server.root}/api/show parameters num_ctx`,
    });
    const show = server.seen.find((request) => request.route === 'POST /api/show')!;
    expect(JSON.parse(show.body)).toMatchObject({ model: 'served-model' });
  });

  it("Ollama without num_ctx: the architecture's context_length, with a warning about Ollama's default", async () => {
    const server = await serve({
      'POST /api/show': () => ({
        json: {
          parameters: 'stop "<|im_end|>"',
          model_info: { 'general.architecture': 'qwen3', 'qwen3.context_length': 40960 },
        },
      }),
    });
    const warnings: string[] = [];
    const window = await resolveContextWindow('teacher', teacher(server.baseUrl), fallback, {
      env: {},
      onWarning: (warning) => warnings.push(warning),
    });
    expect(window).toEqual({
      contextWindow: 40960,
      windowSource: `server POST ${server.root}/api/show model_info qwen3.context_length`,
    });
    expect(warnings[0]).toContain('sets no num_ctx');
  });

  it('a server that says nothing (plain OpenAI-compatible listing): the fallback, saying the server did not tell', async () => {
    const server = await serve({
      'GET /v1/models': () => ({ json: { data: [{ id: 'served-model', owned_by: 'openai' }] } }),
    });
    const window = await resolveContextWindow('teacher', teacher(server.baseUrl), fallback, { env: {} });
    expect(window).toEqual({
      contextWindow: 131_072,
      windowSource: `intake.defaultContextWindow; the server at ${server.baseUrl} did not say its window`,
    });
  });

  it('a server that never answers: the fallback after the short timeout, never an error', async () => {
    const server = await serve({
      'GET /v1/models': () => 'stall',
      'GET /props': () => 'stall',
      'POST /api/show': () => 'stall',
    });
    const window = await resolveContextWindow('teacher', teacher(server.baseUrl), fallback, { env: {}, timeoutMs: 50 });
    expect(window.contextWindow).toBe(131_072);
  });

  it('settings win without asking: contextWindow, then a GGUF model’s contextSize', async () => {
    const server = await serve({});
    expect(
      await resolveContextWindow('teacher', teacher(server.baseUrl, { contextWindow: 2048 }), fallback, { env: {} }),
    ).toEqual({ contextWindow: 2048, windowSource: 'models.teacher.contextWindow' });
    const gguf = { provider: 'gguf', path: 'model.gguf', contextSize: 8192 } as ModelSettings;
    expect(await resolveContextWindow('teacher', gguf, fallback, { env: {} })).toEqual({
      contextWindow: 8192,
      windowSource: 'models.teacher.contextSize',
    });
    expect(server.seen).toEqual([]);
  });
});
