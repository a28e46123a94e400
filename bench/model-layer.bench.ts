/**
 * Model layer: wrapper overhead against a local fake server (streaming and not), cache lookups, reasoning
 * normalisation, and the tiny GGUF through node-llama-cpp. Run: `npm run bench -- model-layer`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createModelClient } from '../src/models/generate.js';
import { createGgufModel } from '../src/models/gguf-model.js';
import { createOpenAICompatibleModel } from '../src/models/openai-compatible-model.js';
import { normaliseReasoning } from '../src/models/reasoning.js';
import { openRequestCache, requestCacheKey } from '../src/models/request-cache.js';
import { startFakeOpenAIServer } from '../test/helpers/fake-openai-server.js';
import { writeTinyGguf } from '../test/helpers/tiny-gguf.js';
import type { Bench } from './bench-report.js';

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/** The baseline: the same requests as plain `fetch` POSTs, 8 at a time, with no wrapper, parsing or cache. */
async function rawFetchRate(url: string, count: number, stream: boolean): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const response = await fetch(`${url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', stream, messages: [{ role: 'user', content: `Raw ${index}` }] }),
      });
      await response.text();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: 8 }, worker));
  return count / ((performance.now() - started) / 1000);
}

async function benchServer(bench: Bench, stream: boolean, folder: string) {
  const server = await startFakeOpenAIServer(() => ({
    reasoning_content: 'Let me think about the policy. '.repeat(20),
    content: 'The answer, in a few sentences. '.repeat(10),
  }));
  const model = createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'fake-model', stream });
  const cache = openRequestCache(path.join(folder, `cache-${stream}.sqlite`));
  const client = createModelClient(model, { concurrency: 8, cache });
  const count = 400;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const begin = performance.now();
      await client.generate({ messages: [{ role: 'user', content: `Question ${index}` }] });
      latencies.push(performance.now() - begin);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const rawRate = await rawFetchRate(server.baseUrl, count, stream);
  const cachedStarted = performance.now();
  for (let index = 0; index < count; index++) {
    await client.generate({ messages: [{ role: 'user', content: `Question ${index}` }] });
  }
  const cachedSeconds = (performance.now() - cachedStarted) / 1000;
  bench.figure({
    id: `model-layer.${stream ? 'streaming' : 'non-streaming'}.rate`,
    what: `ModelClient.generate, ${stream ? 'streaming (3-char chunks)' : 'non-streaming'}, 400 requests, concurrency 8, in-process server`,
    value: count / seconds,
    unit: 'req/s',
    baseline: { what: 'plain fetch, concurrency 8', value: rawRate },
  });
  console.log(
    `openai-compatible ${stream ? 'streaming (3-char chunks)' : 'non-streaming'}: ${count} requests at once, concurrency 8: ${(count / seconds).toFixed(0)} req/s (${((8 * 1000 * seconds) / count).toFixed(1)} ms per request in a slot; baseline plain fetch ${rawRate.toFixed(0)} req/s, ratio ${(count / seconds / rawRate).toFixed(2)}); time to answer incl. queue wait p50 ${percentile(latencies, 0.5).toFixed(0)} ms, p95 ${percentile(latencies, 0.95).toFixed(0)} ms; repeat run from cache ${(count / cachedSeconds).toFixed(0)} calls/s`,
  );
  cache.close();
  await server.close();
}

function benchCacheAndParsing(folder: string) {
  const cache = openRequestCache(path.join(folder, 'lookups.sqlite'));
  const result = {
    reasoning: 'r'.repeat(2000),
    answer: 'a'.repeat(1000),
    reasoningSource: 'reasoning' as const,
    finishReason: 'stop' as const,
    usage: { promptTokens: 10, completionTokens: 10, reasoningTokens: 0, cachedTokens: 0 },
    latencyMs: 1,
    warnings: [],
  };
  const keys = Array.from({ length: 5000 }, (_, index) =>
    requestCacheKey('bench', { messages: [{ role: 'user', content: `q${index}` }], sampleIndex: index % 4 }),
  );
  let started = performance.now();
  for (const key of keys) cache.set(key, { modelId: 'bench', result });
  const writeSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  for (const key of keys) cache.get(key);
  const readSeconds = (performance.now() - started) / 1000;
  console.log(
    `request cache: ${(keys.length / writeSeconds).toFixed(0)} writes/s, ${(keys.length / readSeconds).toFixed(0)} reads/s (3 KB results, one write per call, no batching)`,
  );
  cache.close();
  const text = `<think>\n${'Reasoning about the rule. '.repeat(200)}\n</think>\n\n${'Answer text. '.repeat(100)}`;
  started = performance.now();
  for (let index = 0; index < 20_000; index++) normaliseReasoning({ content: text });
  console.log(
    `normaliseReasoning: ${(20_000 / ((performance.now() - started) / 1000)).toFixed(0)} outputs/s (${text.length} chars each)`,
  );
}

async function benchGguf(folder: string) {
  const file = path.join(folder, 'tiny.gguf');
  writeTinyGguf(file);
  const model = createGgufModel({ path: file, threads: 1, contextSize: 1024 });
  const client = createModelClient(model);
  let started = performance.now();
  const first = await client.generate({ messages: [{ role: 'user', content: 'Hello world' }], maxTokens: 64 });
  const firstMs = performance.now() - started;
  started = performance.now();
  let tokens = 0;
  for (let index = 0; index < 5; index++) {
    const outcome = await client.generate({ messages: [{ role: 'user', content: `Hello ${index}` }], maxTokens: 64 });
    tokens += (outcome.ok ? outcome.result : outcome.result)?.usage.completionTokens ?? 0;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `gguf (tiny random llama, threads 1): first call incl. load ${firstMs.toFixed(0)} ms (${first.ok ? 'ok' : first.kind}); ${(tokens / seconds).toFixed(0)} tokens/s over 5 calls`,
  );
  await client.close?.();
}

export async function run(bench: Bench): Promise<void> {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-bench-models-'));
  try {
    await benchServer(bench, false, folder);
    await benchServer(bench, true, folder);
    benchCacheAndParsing(folder);
    await benchGguf(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
