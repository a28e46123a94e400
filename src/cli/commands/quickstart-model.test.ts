import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors.js';
import { findQuickstartModel } from './quickstart-model.js';

/** A fetch that answers a few URLs and refuses the rest, recording what was asked. */
function fakeFetch(routes: Record<string, unknown>) {
  const asked: string[] = [];
  const fetchImpl = (async (input: string | URL | Request) => {
    const url = String(input);
    asked.push(url);
    for (const [suffix, body] of Object.entries(routes)) {
      if (url.endsWith(suffix)) return new Response(JSON.stringify(body), { status: 200 });
    }
    throw new TypeError('fetch failed: connect ECONNREFUSED');
  }) as typeof fetch;
  return { fetchImpl, asked };
}

const modelsFolder = mkdtempSync(path.join(tmpdir(), 'quickstart-models-'));
afterAll(() => rmSync(modelsFolder, { recursive: true, force: true }));

describe('findQuickstartModel', () => {
  it('takes DELIBERATE_BASE_URL first, with DELIBERATE_MODEL and the key by variable name', async () => {
    const { fetchImpl, asked } = fakeFetch({});
    const model = await findQuickstartModel({
      env: { DELIBERATE_BASE_URL: 'http://gpu:8000/v1', DELIBERATE_MODEL: 'qwen3-8b', DELIBERATE_API_KEY: 'secret' },
      fetch: fetchImpl,
    });
    expect(model.source).toBe('environment');
    expect(model.settings).toEqual({
      provider: 'openai-compatible',
      baseUrl: 'http://gpu:8000/v1',
      model: 'qwen3-8b',
      apiKeyEnv: 'DELIBERATE_API_KEY',
    });
    expect(JSON.stringify(model)).not.toContain('secret');
    expect(asked).toEqual([]);
  });

  it('asks the server for its models when no model is named, preferring a reasoning model', async () => {
    const { fetchImpl } = fakeFetch({
      '/v1/models': { data: [{ id: 'llama-3-8b' }, { id: 'deepseek-r1-distill-qwen-7b' }] },
    });
    const model = await findQuickstartModel({
      env: { OPENAI_BASE_URL: 'https://api.example/v1', OPENAI_API_KEY: 'k' },
      fetch: fetchImpl,
    });
    expect(model.settings).toMatchObject({ model: 'deepseek-r1-distill-qwen-7b', apiKeyEnv: 'OPENAI_API_KEY' });
  });

  it('uses a local Ollama next (OPENAI_BASE_URL without a key does not count)', async () => {
    const { fetchImpl } = fakeFetch({ '/api/tags': { models: [{ name: 'llama3.2:3b' }, { name: 'qwen3:4b' }] } });
    const model = await findQuickstartModel({ env: { OPENAI_BASE_URL: 'https://api.example/v1' }, fetch: fetchImpl });
    expect(model.source).toBe('ollama');
    expect(model.settings).toEqual({
      provider: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'qwen3:4b',
      preset: 'ollama',
    });
  });

  it('offline, names every way it tried and the three ways to provide a model', async () => {
    const { fetchImpl } = fakeFetch({});
    const error = await findQuickstartModel({
      env: { DELIBERATE_MODELS_DIR: modelsFolder, HF_ENDPOINT: 'http://127.0.0.1:9' },
      fetch: fetchImpl,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('DELIBERATE_BASE_URL is not set');
    expect(message).toContain('no Ollama answered');
    expect(message).toContain('could not be pulled');
    expect(message).toMatch(/1\. an OpenAI-compatible endpoint[\s\S]*2\. Ollama[\s\S]*3\. network access/);
  });

  it('without the optional node-llama-cpp, says how to add it instead of downloading a model it cannot run', async () => {
    const { fetchImpl, asked } = fakeFetch({});
    const error = await findQuickstartModel({
      env: { DELIBERATE_MODELS_DIR: modelsFolder, HF_ENDPOINT: 'http://127.0.0.1:9' },
      fetch: fetchImpl,
      ggufBackendInstalled: () => false,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('the embedded GGUF backend is not installed');
    expect((error as ConfigError).message).toContain('npm i node-llama-cpp@^3');
    expect(asked.some((url) => url.startsWith('http://127.0.0.1:9'))).toBe(false);
  });
});
