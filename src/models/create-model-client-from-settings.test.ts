import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../test/helpers/fake-openai-server.js';
import { ConfigError } from '../errors.js';
import { ModelSettings } from '../records/model-settings.js';
import {
  createModelClientFromSettings,
  createRoleClients,
  mostRestrictiveLimits,
} from './create-model-client-from-settings.js';

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A fake server whose replies take 10 ms and that records the most requests it had in flight at once. */
async function startConcurrencyTrackingServer(): Promise<{ server: FakeOpenAIServer; peak: () => number }> {
  let active = 0;
  let peak = 0;
  const started = await startFakeOpenAIServer(async () => {
    active += 1;
    peak = Math.max(peak, active);
    await new Promise((resolve) => setTimeout(resolve, 10));
    active -= 1;
    return { content: 'ok' };
  });
  return { server: started, peak: () => peak };
}

describe('createRoleClients', () => {
  it('names the missing API key variable and the role', () => {
    const settings = ModelSettings.parse({
      provider: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:1/v1',
      model: 'm',
      apiKeyEnv: 'TEACHER_KEY',
    });
    let error: unknown;
    try {
      createRoleClients({ teacher: settings }, { env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/TEACHER_KEY.*"teacher"/);
    expect((error as ConfigError).location).toBe('models.teacher.apiKeyEnv');
  });

  it('reports a missing GGUF file at once, naming the role, the path and the fix', () => {
    const settings = ModelSettings.parse({ provider: 'gguf', path: './missing.gguf' });
    expect(() =>
      createRoleClients({ student: settings }, { env: {}, resolvePath: (file) => `/config/dir/${file}` }),
    ).toThrow(/role "student" does not exist: \/config\/dir\/.\/missing\.gguf/);
  });

  it('refuses two roles on one GGUF file with different load or parse settings (one would be silently ignored)', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'deliberate-gguf-roles-')), 'm.gguf');
    writeFileSync(file, 'not loaded in this test');
    const models = {
      teacher: ModelSettings.parse({ provider: 'gguf', path: file, prefilledThink: true }),
      judge: ModelSettings.parse({ provider: 'gguf', path: file, contextSize: 8192 }),
    };
    let error: unknown;
    try {
      createRoleClients(models, { env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /roles "teacher" and "judge" .*contextSize: 4096 vs 8192, prefilledThink: true vs false/,
    );
    expect((error as ConfigError).location).toBe('models.judge');
    const same = createRoleClients({ teacher: models.teacher, judge: { ...models.teacher } }, { env: {} });
    expect(same.judge!.model).toBe(same.teacher!.model);
  });

  it('builds one client per role with settings defaults, a shared cache, and a shared endpoint limit', async () => {
    const tracked = await startConcurrencyTrackingServer();
    server = tracked.server;
    const common = { provider: 'openai-compatible', baseUrl: server.baseUrl, model: 'fake-model', concurrency: 1 };
    const clients = createRoleClients(
      {
        teacher: ModelSettings.parse({
          ...common,
          maxTokens: 321,
          temperature: 0.6,
          price: { inputPerMillion: 1, outputPerMillion: 2 },
        }),
        judge: ModelSettings.parse(common),
      },
      { env: {}, cacheFile: path.join(mkdtempSync(path.join(tmpdir(), 'deliberate-roles-')), 'cache.sqlite') },
    );
    const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });
    await Promise.all([
      clients.teacher!.generate(ask('a')),
      clients.judge!.generate(ask('b')),
      clients.teacher!.generate(ask('c')),
    ]);
    expect(tracked.peak()).toBe(1);
    expect(server.requests[0]!.body).toMatchObject({ max_tokens: 321, temperature: 0.6 });
    const stats = clients.teacher!.stats!();
    expect(stats.outcomes.success).toBe(2);
    expect(stats.cost).toBeGreaterThan(0);
    expect(stats.cost).toBeCloseTo((stats.usage.promptTokens * 1 + stats.usage.completionTokens * 2) / 1e6);
    // A repeated request is answered from the shared cache.
    const again = await clients.judge!.generate(ask('b'));
    expect(again.cached).toBe(true);
    for (const client of Object.values(clients)) await client.close?.();
  });

  it.each([
    { order: 'the permissive role first', roles: ['teacher', 'judge'] },
    { order: 'the restrictive role first', roles: ['judge', 'teacher'] },
  ])('roles sharing an endpoint keep the smallest concurrency, with $order', async ({ roles }) => {
    const tracked = await startConcurrencyTrackingServer();
    server = tracked.server;
    const common = { provider: 'openai-compatible', baseUrl: server.baseUrl, model: 'fake-model' };
    const settings: Record<string, ModelSettings> = {
      teacher: ModelSettings.parse({ ...common, concurrency: 4 }),
      judge: ModelSettings.parse({ ...common, concurrency: 1 }),
    };
    const clients = createRoleClients(Object.fromEntries(roles.map((role) => [role, settings[role]!])), { env: {} });
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((content) => clients.teacher!.generate({ messages: [{ role: 'user', content }] })),
    );
    expect(server.requests).toHaveLength(4);
    expect(tracked.peak()).toBe(1);
    for (const client of Object.values(clients)) await client.close?.();
  });

  it('mostRestrictiveLimits takes the smallest value of each limit that a role sets, in any order', () => {
    const common = { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', model: 'm' };
    const fast = ModelSettings.parse({ ...common, concurrency: 16, requestsPerMinute: 600 });
    const slow = ModelSettings.parse({ ...common, concurrency: 2, tokensPerMinute: 50_000 });
    const plain = ModelSettings.parse(common);
    const expected = { concurrency: 2, requestsPerMinute: 600, tokensPerMinute: 50_000 };
    expect(mostRestrictiveLimits([fast, slow, plain])).toEqual(expected);
    expect(mostRestrictiveLimits([plain, slow, fast])).toEqual(expected);
    expect(mostRestrictiveLimits([plain])).toEqual({
      concurrency: 8,
      requestsPerMinute: undefined,
      tokensPerMinute: undefined,
    });
    const gguf = ModelSettings.parse({ provider: 'gguf', path: 'm.gguf' });
    expect(mostRestrictiveLimits([gguf]).concurrency).toBe(1);
  });

  it('createModelClientFromSettings opens and closes its own cache', async () => {
    server = await startFakeOpenAIServer(() => ({ content: 'x' }));
    const settings = ModelSettings.parse({
      provider: 'openai-compatible',
      baseUrl: server.baseUrl,
      model: 'fake-model',
    });
    const cacheFile = path.join(mkdtempSync(path.join(tmpdir(), 'deliberate-roles-')), 'cache.sqlite');
    const first = createModelClientFromSettings(settings, { env: {}, cacheFile });
    await first.generate({ messages: [{ role: 'user', content: 'q' }] });
    await first.close?.();
    const second = createModelClientFromSettings(settings, { env: {}, cacheFile });
    expect(await second.generate({ messages: [{ role: 'user', content: 'q' }] })).toMatchObject({ cached: true });
    await second.close?.();
    expect(server.requests).toHaveLength(1);
  });
});

describe('ModelSettings', () => {
  it('rejects guided_* extra body fields, which vLLM ignores silently', () => {
    const parsed = ModelSettings.safeParse({
      provider: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:8000/v1',
      model: 'm',
      extraBody: { guided_json: {} },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/removed in vLLM v0\.12/);
  });

  it('rejects unknown fields, so a typo is not silently ignored', () => {
    const parsed = ModelSettings.safeParse({ provider: 'gguf', path: 'm.gguf', thread: 2 });
    expect(parsed.success).toBe(false);
  });
});
