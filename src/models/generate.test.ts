import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type FakeHandler,
  type FakeOpenAIServer,
  startFakeOpenAIServer,
} from '../../test/helpers/fake-openai-server.js';
import { scriptedModel } from '../testing/scripted-model.js';
import { createModelClient, type GenerateOptions, type RetryEvent } from './generate.js';
import { createOpenAICompatibleModel } from './openai-compatible-model.js';
import { openRequestCache } from './request-cache.js';

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast: GenerateOptions = { timeoutMs: 300, maxRetries: 3, retryBaseDelayMs: 5, retryMaxDelayMs: 2_000 };
const ask = { messages: [{ role: 'user' as const, content: 'Hello' }] };
const usageOf = (promptTokens: number, completionTokens: number) => ({
  promptTokens,
  completionTokens,
  reasoningTokens: 0,
  cachedTokens: 0,
});

async function clientFor(handler: FakeHandler, options: GenerateOptions & { stream?: boolean } = {}) {
  server = await startFakeOpenAIServer(handler);
  const model = createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'fake-model', stream: options.stream });
  return createModelClient(model, { ...fast, ...options });
}

describe('generate: faults end in a result or a typed error', () => {
  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    const retries: RetryEvent[] = [];
    const client = await clientFor(
      (_body, index) =>
        index === 0 ? { kind: 'status', status: 429, headers: { 'retry-after': '1' } } : { content: 'Fine.' },
      { onRetry: (event) => retries.push(event) },
    );
    const outcome = await client.generate(ask);
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    expect(retries).toMatchObject([{ status: 429, waitMs: 1000 }]);
  });

  it('retries a 500 and stops at the attempt cap with a transport-failure', async () => {
    const client = await clientFor(() => ({ kind: 'status', status: 500 }));
    const outcome = await client.generate(ask);
    expect(outcome).toMatchObject({ ok: false, kind: 'transport-failure', status: 500, attempts: 4 });
    expect(server!.requests).toHaveLength(4);
    expect(client.stats!().outcomes['transport-failure']).toBe(1);
  });

  for (const stream of [false, true]) {
    it(`times out a stalled request and retries (${stream ? 'streaming' : 'not streaming'})`, async () => {
      const client = await clientFor(
        (_body, index) => (index === 0 ? { kind: 'stall' } : { content: 'Late but fine.' }),
        {
          stream,
        },
      );
      expect(await client.generate(ask)).toMatchObject({ ok: true, attempts: 2, result: { answer: 'Late but fine.' } });
    });
  }

  it('gives up on a server that always stalls with a typed timeout failure', async () => {
    const client = await clientFor(() => ({ kind: 'stall' }), { maxRetries: 1 });
    const outcome = await client.generate(ask);
    expect(outcome).toMatchObject({ ok: false, kind: 'transport-failure', attempts: 2 });
    if (!outcome.ok) expect(outcome.message).toMatch(/within 300 ms/);
  });

  it('retries a reset connection', async () => {
    const client = await clientFor((_body, index) => (index === 0 ? { kind: 'reset' } : { content: 'After reset.' }));
    expect(await client.generate(ask)).toMatchObject({ ok: true, attempts: 2 });
  });

  it('retries truncated JSON', async () => {
    const client = await clientFor((_body, index) =>
      index === 0 ? { kind: 'raw', body: '{"id":"x","choices":[{"message":{"content":"Hal' } : { content: 'Whole.' },
    );
    expect(await client.generate(ask)).toMatchObject({ ok: true, attempts: 2, result: { answer: 'Whole.' } });
  });

  it('retries a truncated stream', async () => {
    const client = await clientFor(
      (_body, index) =>
        index === 0 ? { kind: 'truncated-stream', content: 'Half an ans' } : { content: 'Full answer.' },
      { stream: true },
    );
    expect(await client.generate(ask)).toMatchObject({ ok: true, attempts: 2, result: { answer: 'Full answer.' } });
  });

  it('retries an error sent inside a stream', async () => {
    const client = await clientFor(
      (_body, index) =>
        index === 0 ? { kind: 'stream-error', content: 'Par' } : { content: 'Recovered.', delayMs: 5 },
      { stream: true },
    );
    expect(await client.generate(ask)).toMatchObject({ ok: true, attempts: 2, result: { answer: 'Recovered.' } });
  });

  it('does not retry 401 and names the fix', async () => {
    server = await startFakeOpenAIServer(() => ({ kind: 'status', status: 401 }));
    const model = createOpenAICompatibleModel({
      baseUrl: server.baseUrl,
      model: 'fake-model',
      apiKey: 'sk-wrong',
      apiKeyEnv: 'FAKE_KEY',
    });
    const outcome = await createModelClient(model, fast).generate(ask);
    expect(outcome).toMatchObject({ ok: false, kind: 'transport-failure', status: 401, attempts: 1 });
    if (!outcome.ok) {
      expect(outcome.message).toMatch(/FAKE_KEY/);
      expect(outcome.message).not.toMatch(/sk-wrong/);
    }
  });

  it('never lets a key the server echoes back into the failure message or the call log', async () => {
    const key = 'sk-echoed-secret-123';
    server = await startFakeOpenAIServer((_body, index) => ({
      kind: 'status',
      status: index === 0 ? 500 : 401,
      body: { error: { message: `Incorrect API key provided: ${key}. Received key = ${key}` } },
    }));
    const model = createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'fake-model', apiKey: key });
    const callLogFile = path.join(mkdtempSync(path.join(tmpdir(), 'deliberate-key-')), 'calls.jsonl');
    const client = createModelClient(model, { ...fast, callLogFile });
    const outcome = await client.generate(ask);
    await client.close?.();
    expect(outcome).toMatchObject({ ok: false, kind: 'transport-failure', status: 401, attempts: 2 });
    if (!outcome.ok) {
      expect(outcome.message).toMatch(/Incorrect API key provided: \[api key\]/);
      expect(outcome.message).not.toContain(key);
    }
    expect(readFileSync(callLogFile, 'utf8')).not.toContain(key);
  });

  it('does not retry 404 and points at the model list', async () => {
    const client = await clientFor(() => ({ kind: 'status', status: 404 }));
    const outcome = await client.generate(ask);
    expect(outcome).toMatchObject({ ok: false, kind: 'transport-failure', status: 404, attempts: 1 });
    if (!outcome.ok) expect(outcome.message).toMatch(/\/models lists/);
  });
});

describe('generate: typed outcomes are counted and never retried as transient', () => {
  const cases: Array<{ name: string; handler: FakeHandler; kind: string; stream?: boolean }> = [
    {
      name: 'refusal field',
      handler: () => ({ content: null, refusal: 'I cannot help with that.' }),
      kind: 'provider-refusal',
    },
    {
      name: 'refusal field (streaming)',
      handler: () => ({ content: '', refusal: 'No.' }),
      kind: 'provider-refusal',
      stream: true,
    },
    {
      name: 'content_filter',
      handler: () => ({ content: '', finish_reason: 'content_filter' }),
      kind: 'provider-refusal',
    },
    {
      name: 'HTTP 400 naming a content policy',
      handler: () => ({
        kind: 'status',
        status: 400,
        body: { error: { message: 'Content Exists Risk: content policy' } },
      }),
      kind: 'provider-refusal',
    },
    {
      name: 'length with empty content',
      handler: () => ({ reasoning_content: 'Long thought…', content: '', finish_reason: 'length' }),
      kind: 'no-answer',
    },
    {
      name: 'answer only in reasoning',
      handler: () => ({ reasoning: 'The answer is 4.', content: '' }),
      kind: 'answer-in-reasoning',
    },
    { name: 'empty content, finish stop', handler: () => ({ content: '' }), kind: 'no-answer' },
    { name: 'content null, no reasoning', handler: () => ({ content: null }), kind: 'no-answer' },
    {
      name: 'empty think block and nothing after it (streaming)',
      handler: () => ({ content: '<think>\n\n</think>\n\n' }),
      kind: 'no-answer',
      stream: true,
    },
  ];
  for (const testCase of cases) {
    it(`${testCase.name} → ${testCase.kind}`, async () => {
      const client = await clientFor(testCase.handler, { stream: testCase.stream });
      const outcome = await client.generate(ask);
      expect(outcome).toMatchObject({ ok: false, kind: testCase.kind, attempts: 1 });
      expect(server!.requests).toHaveLength(1);
      expect(client.stats!().outcomes[testCase.kind as 'no-answer']).toBe(1);
      if (testCase.kind === 'answer-in-reasoning' && !outcome.ok)
        expect(outcome.result?.reasoning).toBe('The answer is 4.');
    });
  }

  it('an empty answer that was not cut off is not retried with a larger budget', async () => {
    const client = await clientFor(() => ({ content: '' }), {
      noAnswerRetryMaxTokens: 4000,
      defaults: { maxTokens: 100 },
    });
    const outcome = await client.generate(ask);
    expect(outcome).toMatchObject({ ok: false, kind: 'no-answer', attempts: 1 });
    if (!outcome.ok) expect(outcome.message).toMatch(/empty answer/);
    expect(server!.requests).toHaveLength(1);
  });

  it('retries no-answer once with a larger budget when asked', async () => {
    const client = await clientFor(
      (body) =>
        body.max_tokens === 4000
          ? { reasoning: 'Done.', content: 'Answer.' }
          : { reasoning: 'Thinking…', content: '', finish_reason: 'length' },
      { noAnswerRetryMaxTokens: 4000, defaults: { maxTokens: 100 } },
    );
    expect(await client.generate(ask)).toMatchObject({ ok: true, attempts: 2, result: { answer: 'Answer.' } });
    expect(server!.requests.map((request) => request.body.max_tokens)).toEqual([100, 4000]);
  });

  it('outcome.usage sums both calls of a larger-budget retry (result.usage is the second only)', async () => {
    const model = scriptedModel([
      { answer: '', reasoning: 'Thinking…', finishReason: 'length', usage: { ...usageOf(10, 100) } },
      { answer: 'Answer.', reasoning: 'Done.', usage: { ...usageOf(10, 30) } },
    ]);
    const client = createModelClient(model, { noAnswerRetryMaxTokens: 4000, defaults: { maxTokens: 100 } });
    const outcome = await client.generate(ask);
    expect(outcome).toMatchObject({ ok: true, result: { usage: usageOf(10, 30) }, usage: usageOf(20, 130) });
    expect(client.stats!().usage).toEqual(usageOf(20, 130));
  });
});

describe('generateObject', () => {
  const Verdict = z.object({ verdict: z.enum(['compliant', 'violation']), score: z.number() });

  it('repairs once with the validation error, then validates', async () => {
    const usage = { prompt_tokens: 10, completion_tokens: 5, completion_tokens_details: { reasoning_tokens: 2 } };
    const client = await clientFor(
      (_body, index) =>
        index === 0
          ? { content: '{"verdict":"maybe","score":1}', usage }
          : { content: '{"verdict":"compliant","score":1}', usage },
      { price: { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 } },
    );
    const outcome = await client.generateObject(ask, Verdict, 'verdict');
    expect(outcome).toMatchObject({ ok: true, object: { verdict: 'compliant', score: 1 }, attempts: 2 });
    // Both attempts are paid for and counted.
    expect(client.stats!()).toMatchObject({
      usage: { promptTokens: 20, completionTokens: 10, reasoningTokens: 4 },
      cost: 20 + 2 * 10,
    });
    const repair = server!.requests[1]!.body.messages;
    expect(repair.at(-2)).toMatchObject({ role: 'assistant', content: '{"verdict":"maybe","score":1}' });
    expect(String(repair.at(-1)!.content)).toMatch(/verdict/);
  });

  it('ends in schema-failure after one repair, never a guessed value', async () => {
    const client = await clientFor(() => ({ content: '{"verdict":"compliant","sco' }));
    const outcome = await client.generateObject(ask, Verdict, 'verdict');
    expect(outcome).toMatchObject({ ok: false, kind: 'schema-failure', attempts: 2 });
    expect(server!.requests).toHaveLength(2);
    expect(client.stats!().outcomes['schema-failure']).toBe(1);
  });
});

describe('cache and call log', () => {
  it('answers a second identical run from the cache with zero HTTP requests; the key is nowhere in the file', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-cache-'));
    const cacheFile = path.join(folder, 'cache.sqlite');
    const callLogFile = path.join(folder, 'calls.jsonl');
    const apiKey = 'sk-test-DO-NOT-STORE-1234567890';
    server = await startFakeOpenAIServer(() => ({ reasoning: 'Because.', content: 'Cached answer.' }));
    const run = async () => {
      const cache = openRequestCache(cacheFile);
      const model = createOpenAICompatibleModel({ baseUrl: server!.baseUrl, model: 'fake-model', apiKey });
      const client = createModelClient(model, { ...fast, cache, callLogFile });
      const outcomes = [
        await client.generate({ ...ask, seed: 1, sampleIndex: 0 }),
        await client.generate({ ...ask, seed: 1, sampleIndex: 1 }),
      ];
      await client.close?.();
      cache.close();
      return { outcomes, stats: client.stats!() };
    };
    const first = await run();
    expect(server.requests).toHaveLength(2);
    expect(first.outcomes.map((outcome) => outcome.cached)).toEqual([false, false]);
    const second = await run();
    expect(server.requests).toHaveLength(2);
    expect(second.outcomes.map((outcome) => outcome.cached)).toEqual([true, true]);
    expect(second.outcomes[0]).toMatchObject({ ok: true, result: { answer: 'Cached answer.', reasoning: 'Because.' } });
    expect(second.stats).toMatchObject({ requests: 0, cacheHits: 2 });
    for (const file of [cacheFile, `${cacheFile}-wal`, callLogFile]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(apiKey))).toBe(false);
      expect(bytes.includes(Buffer.from('sk-test'))).toBe(false);
    }
    const log = readFileSync(callLogFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(log).toHaveLength(4);
    expect(log[3]).toMatchObject({ modelId: 'openai-compatible:fake-model', outcome: 'success', cached: true });
    expect(log[0].messages).toBeUndefined();
  });

  it('noCache bypasses reading the cache', async () => {
    const cache = openRequestCache(path.join(mkdtempSync(path.join(tmpdir(), 'deliberate-cache-')), 'c.sqlite'));
    const client = await clientFor(() => ({ content: 'x' }), { cache, noCache: true });
    await client.generate(ask);
    await client.generate(ask);
    expect(server!.requests).toHaveLength(2);
    cache.close();
  });
});

describe('limits and cancellation', () => {
  it('never runs more requests at once than the concurrency limit', async () => {
    let active = 0;
    let peak = 0;
    const model = scriptedModel(async () => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      active -= 1;
      return 'ok';
    });
    const client = createModelClient(model, { concurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, index) => client.generate({ ...ask, sampleIndex: index })));
    expect(peak).toBe(2);
    expect(model.calls).toHaveLength(8);
  });

  it('starts the per-request timeout when the request is sent, not while it waits for a slot', async () => {
    const model = scriptedModel(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 'ok';
    });
    // 40 requests through one slot wait about 800 ms in the queue, far past the 400 ms timeout of each request.
    const client = createModelClient(model, { concurrency: 1, timeoutMs: 400, maxRetries: 0 });
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, index) => client.generate({ ...ask, sampleIndex: index })),
    );
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
  });

  it('a fired signal stops new work; queued calls end as cancelled', async () => {
    const controller = new AbortController();
    const model = scriptedModel(async () => {
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 'finished in flight';
    });
    const client = createModelClient(model, { concurrency: 1, signal: controller.signal });
    const outcomes = await Promise.all([client.generate(ask), client.generate(ask), client.generate(ask)]);
    expect(outcomes[0]).toMatchObject({ ok: true, result: { answer: 'finished in flight' } });
    expect(outcomes.slice(1).map((outcome) => (outcome.ok ? 'ok' : outcome.kind))).toEqual(['cancelled', 'cancelled']);
    expect(model.calls).toHaveLength(1);
  });

  it('abortInFlight aborts a stalled request cleanly as cancelled', async () => {
    const controller = new AbortController();
    const client = await clientFor(() => ({ kind: 'stall' }), {
      timeoutMs: 60_000,
      signal: controller.signal,
      abortInFlight: true,
    });
    setTimeout(() => controller.abort(), 50);
    expect(await client.generate(ask)).toMatchObject({ ok: false, kind: 'cancelled' });
  });
});

describe('streamed deltas (onDelta)', () => {
  it('delivers content and reasoning deltas as they arrive, and the whole result at the end', async () => {
    server = await startFakeOpenAIServer(() => ({ content: 'Hello there', reasoning_content: 'think', chunkSize: 2 }));
    const model = createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'fake-model' });
    const deltas: Array<{ field: string; text: string }> = [];
    const outcome = await createModelClient(model, fast).generate({ ...ask, onDelta: (delta) => deltas.push(delta) });
    expect(outcome.ok && outcome.result.answer).toBe('Hello there');
    expect(deltas.filter((delta) => delta.field === 'content').map((delta) => delta.text)).toEqual([
      'He',
      'll',
      'o ',
      'th',
      'er',
      'e',
    ]);
    expect(
      deltas
        .filter((delta) => delta.field === 'reasoning')
        .map((delta) => delta.text)
        .join(''),
    ).toBe('think');
    expect(server.requests[0]!.body.stream).toBe(true);
  });

  it('does not retry once a delta was delivered (the text would arrive twice)', async () => {
    server = await startFakeOpenAIServer(() => ({ kind: 'stream-error', content: 'Hal' }));
    const model = createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'fake-model' });
    const outcome = await createModelClient(model, fast).generate({ ...ask, onDelta: () => {} });
    expect(outcome.ok).toBe(false);
    expect(server.requests).toHaveLength(1);
    // Without onDelta the same failure is retried.
    await createModelClient(model, fast).generate(ask);
    expect(server.requests).toHaveLength(1 + 1 + fast.maxRetries!);
  });

  it('is never answered from the cache', async () => {
    server = await startFakeOpenAIServer(() => ({ content: 'fresh' }));
    const model = createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'fake-model' });
    const cache = openRequestCache(path.join(mkdtempSync(path.join(tmpdir(), 'delta-cache-')), 'cache.sqlite'));
    const client = createModelClient(model, { ...fast, cache });
    await client.generate(ask);
    const outcome = await client.generate({ ...ask, onDelta: () => {} });
    expect(outcome.ok && outcome.cached).toBe(false);
    expect(server.requests).toHaveLength(2);
    cache.close();
  });
});
