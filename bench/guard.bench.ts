/**
 * The guard's added latency in deliberate mode (spec in context, no classifier, no policy check): the same requests
 * through the guard and to the upstream directly, interleaved in the same run, with the official `openai` client
 * for both; p50/p99 of the whole reply and, streaming, of the time to the first content token.
 * Run: `npm run bench -- guard`.
 */
import OpenAI from 'openai';
import { createModelClient } from '../src/models/generate.js';
import { createOpenAICompatibleModel } from '../src/models/openai-compatible-model.js';
import { GuardSettings } from '../src/records/guard-settings.js';
import { startGuardServer } from '../src/servers/guard/create-guard-app.js';
import { loadSpec } from '../src/spec/load-spec.js';
import { startFakeOpenAIServer } from '../test/helpers/fake-openai-server.js';
import { tinySpecFolder } from '../test/helpers/run-eval-fixture.js';

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

interface Timing {
  totalMs: number;
  firstTokenMs: number;
}

async function timeOne(client: OpenAI, stream: boolean, index: number): Promise<Timing> {
  const messages = [{ role: 'user' as const, content: `Question ${index}: what is a safe way to store solvents?` }];
  const started = performance.now();
  if (!stream) {
    await client.chat.completions.create({ model: 'fake-model', messages });
    const totalMs = performance.now() - started;
    return { totalMs, firstTokenMs: totalMs };
  }
  let firstTokenMs = Number.NaN;
  const chunks = await client.chat.completions.create({ model: 'fake-model', messages, stream: true });
  for await (const chunk of chunks) {
    if (Number.isNaN(firstTokenMs) && chunk.choices[0]?.delta.content) firstTokenMs = performance.now() - started;
  }
  return { totalMs: performance.now() - started, firstTokenMs };
}

function line(label: string, direct: Timing[], guarded: Timing[], key: keyof Timing): string {
  const p = (values: Timing[], fraction: number) =>
    percentile(
      values.map((timing) => timing[key]),
      fraction,
    );
  return `${label}: direct p50 ${p(direct, 0.5).toFixed(2)} ms, p99 ${p(direct, 0.99).toFixed(2)} ms; through the guard p50 ${p(guarded, 0.5).toFixed(2)} ms, p99 ${p(guarded, 0.99).toFixed(2)} ms; added p50 ${(p(guarded, 0.5) - p(direct, 0.5)).toFixed(2)} ms, p99 ${(p(guarded, 0.99) - p(direct, 0.99)).toFixed(2)} ms (ratio p50 ${(p(guarded, 0.5) / p(direct, 0.5)).toFixed(2)})`;
}

export async function run(): Promise<void> {
  const upstream = await startFakeOpenAIServer(() => ({
    content: 'Keep them sealed, cool and ventilated. '.repeat(8),
    chunkSize: 6,
  }));
  const spec = await loadSpec(tinySpecFolder);
  const model = createOpenAICompatibleModel({ baseUrl: upstream.baseUrl, model: 'fake-model' });
  const guard = await startGuardServer({
    spec,
    settings: GuardSettings.parse({}),
    mode: 'deliberate',
    upstream: { role: 'base', client: createModelClient(model, { maxRetries: 0 }) },
    auditFile: null,
    port: 0,
    tokenSource: 'none',
  });
  const direct = new OpenAI({ baseURL: upstream.baseUrl, apiKey: 'x', maxRetries: 0 });
  const guarded = new OpenAI({ baseURL: `${guard.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const count = 300;
  for (const stream of [false, true]) {
    const timings = { direct: [] as Timing[], guarded: [] as Timing[] };
    for (let index = 0; index < 20; index++)
      await Promise.all([timeOne(direct, stream, index), timeOne(guarded, stream, index)]);
    for (let index = 0; index < count; index++) {
      timings.direct.push(await timeOne(direct, stream, index));
      timings.guarded.push(await timeOne(guarded, stream, index));
    }
    const kind = stream ? 'streaming (6-char chunks)' : 'non-streaming';
    console.log(
      line(
        `guard deliberate mode, ${kind}, ${count} sequential requests, whole reply`,
        timings.direct,
        timings.guarded,
        'totalMs',
      ),
    );
    if (stream) console.log(line('  time to first content token', timings.direct, timings.guarded, 'firstTokenMs'));
  }
  await guard.close();
  await upstream.close();
}
