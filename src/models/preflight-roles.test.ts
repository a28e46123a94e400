import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../test/helpers/fake-openai-server.js';
import { RoleUnavailableError } from '../errors.js';
import { ModelSettings } from '../records/model-settings.js';
import { createRolePreflight, preflightRole } from './preflight-roles.js';

const servers: FakeOpenAIServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function server(options: Parameters<typeof startFakeOpenAIServer>[1] = {}) {
  const started = await startFakeOpenAIServer(() => ({ content: 'ready' }), options);
  servers.push(started);
  return started;
}

function settings(baseUrl: string, extra: Record<string, unknown> = {}) {
  return ModelSettings.parse({ provider: 'openai-compatible', baseUrl, model: 'fake-model', ...extra });
}

describe('preflightRole', () => {
  it('passes on a server listing the model, sending no chat request', async () => {
    const up = await server();
    const result = await preflightRole('teacher', settings(up.baseUrl), { env: {} });
    expect(result).toMatchObject({ problem: null, warning: null });
    expect(up.requests).toHaveLength(0);
  });

  it('warns (does not fail) when the server does not list the model id', async () => {
    const up = await server({ models: ['other'] });
    const result = await preflightRole('judge', settings(up.baseUrl), { env: {} });
    expect(result.problem).toBeNull();
    expect(result.warning).toContain('does not list model "fake-model" (it lists: other)');
  });

  it('a rejected key names the variable and never the key', async () => {
    const guarded = await server({ apiKey: 'good-key-0000' });
    const result = await preflightRole('teacher', settings(guarded.baseUrl, { apiKeyEnv: 'TEACHER_KEY' }), {
      env: { TEACHER_KEY: 'bad-key-1111' },
    });
    expect(result.problem).toBe(`HTTP 401 from ${guarded.baseUrl}: the server rejected the API key`);
    expect(result.fix).toContain('TEACHER_KEY');
    const ok = await preflightRole('teacher', settings(guarded.baseUrl, { apiKeyEnv: 'TEACHER_KEY' }), {
      env: { TEACHER_KEY: 'good-key-0000' },
    });
    expect(ok.problem).toBeNull();
  });

  it('without a /models route, one 1-token chat request decides', async () => {
    const noList = await server({ listModels: false });
    const result = await preflightRole('teacher', settings(noList.baseUrl), { env: {} });
    expect(result.problem).toBeNull();
    expect(noList.requests).toHaveLength(1);
    expect(noList.requests[0]!.body.max_tokens ?? noList.requests[0]!.body.max_completion_tokens).toBe(1);
  });
});

describe('createRolePreflight', () => {
  it('checks an endpoint once and throws a RoleUnavailableError naming role, URL and fix', async () => {
    const dead = 'http://127.0.0.1:9/v1';
    let fetches = 0;
    const failing: typeof fetch = async () => {
      fetches += 1;
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
    };
    const preflight = createRolePreflight(
      { teacher: settings(dead), judge: settings(dead) },
      { env: {}, fetch: failing },
    );
    const error = await preflight.require(['teacher', 'judge']).catch((caught) => caught);
    expect(error).toBeInstanceOf(RoleUnavailableError);
    expect(error.message).toBe(
      `role "teacher" (openai-compatible:fake-model at ${dead}) cannot be used: cannot reach ${dead} (ECONNREFUSED); nothing was sent to it`,
    );
    expect(error.hint).toContain('deliberate models check --role teacher');
    await preflight.require(['judge']).catch(() => undefined);
    // One endpoint, one check (tried twice: a reset kept-alive socket is not a dead server).
    expect(fetches).toBe(2);
  });

  it('prepare starts a check that require then finds done; a prepared check that failed is made again', async () => {
    const up = await server({ models: ['fake-model'] });
    let fetches = 0;
    let down = true;
    const flaky: typeof fetch = async (input, init) => {
      fetches += 1;
      if (down)
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
      return fetch(input, init);
    };
    const preflight = createRolePreflight({ judge: settings(up.baseUrl) }, { env: {}, fetch: flaky });
    preflight.prepare(['judge']);
    expect(fetches, 'started at once').toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    down = false;
    // The prepared check failed (twice: a reset socket is retried); require asks again and the judge is up by now.
    await expect(preflight.require(['judge'])).resolves.toBeUndefined();
    expect(fetches).toBe(3);
    preflight.prepare(['judge']);
    await preflight.require(['judge']);
    expect(fetches, 'a passed check is not made again').toBe(3);
  });
});
