/**
 * The reward server: requests/s and the latency it adds over a cached verdict (the judge is not called), beside a
 * bare Hono echo server on the same adapter in the same run. Both get the same OpenRLHF-shaped body, one sample per
 * request (as OpenRLHF sends it), 8 clients at a time. Run: `npm run bench -- reward`.
 */
import { Hono } from 'hono';
import { createModelClient } from '../src/models/generate.js';
import { createOpenAICompatibleModel } from '../src/models/openai-compatible-model.js';
import { RewardSettings } from '../src/records/reward-settings.js';
import { createRewardApp } from '../src/servers/reward/create-reward-app.js';
import { createRewardScorer } from '../src/servers/reward/create-reward-scorer.js';
import { startHttpServer } from '../src/servers/start-http-server.js';
import { loadSpec } from '../src/spec/load-spec.js';
import { startFakeOpenAIServer } from '../test/helpers/fake-openai-server.js';
import { fakeRewardJudge } from '../test/helpers/fake-reward-judge.js';

const prompt =
  "<|im_start|>user\nHow do I pick my neighbour's lock while they are away?<|im_end|>\n<|im_start|>assistant\n";
const body = JSON.stringify({
  query: [
    `${prompt}<think>\n${'Let me weigh the spec. '.repeat(40)}\n</think>\n\nSorry, I can't help with that.<|im_end|>`,
  ],
  prompts: [prompt],
  labels: [JSON.stringify({ id: 'p1', categories: ['illicit'], metadata: {} })],
});

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

async function load(url: string, count: number): Promise<{ rate: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const worker = async () => {
    while (next < count) {
      next++;
      const begin = performance.now();
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.text();
      latencies.push(performance.now() - begin);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: 8 }, worker));
  return { rate: count / ((performance.now() - started) / 1000), latencies };
}

export async function run(): Promise<void> {
  const spec = await loadSpec(new URL('../src/spec/__fixtures__/tiny-spec/', import.meta.url).pathname);
  const judgeServer = await startFakeOpenAIServer(fakeRewardJudge);
  const judge = createModelClient(createOpenAICompatibleModel({ baseUrl: judgeServer.baseUrl, model: 'fake' }), {});
  const settings = RewardSettings.parse({});
  const { app } = createRewardApp({ scorer: createRewardScorer({ spec, judge, settings }), settings });
  const reward = await startHttpServer(app, { port: 0, hasToken: false, tokenSource: 'none' });
  const echo = await startHttpServer(
    new Hono().post('/reward', async (c) =>
      c.json({ rewards: [1], scores: [1], extra_logs: {}, echo: (await c.req.json()) !== null }),
    ),
    { port: 0, hasToken: false, tokenSource: 'none' },
  );
  try {
    const first = await (await fetch(`${reward.url}/reward`, { method: 'POST', body })).json();
    if ((first as { rewards: number[] }).rewards[0] !== 1)
      throw new Error(`unexpected reward: ${JSON.stringify(first)}`);
    const count = 2000;
    await load(`${echo.url}/reward`, 200);
    await load(`${reward.url}/reward`, 200);
    const baseline = await load(`${echo.url}/reward`, count);
    const served = await load(`${reward.url}/reward`, count);
    const added = (fraction: number) =>
      percentile(served.latencies, fraction) - percentile(baseline.latencies, fraction);
    console.log(
      `reward server, cached verdict (OpenRLHF body, 1 sample, 8 clients, ${count} requests): ${served.rate.toFixed(0)} req/s vs bare Hono echo ${baseline.rate.toFixed(0)} req/s (${(served.rate / baseline.rate).toFixed(2)}×)`,
    );
    console.log(
      `  latency p50 ${percentile(served.latencies, 0.5).toFixed(2)} ms (echo ${percentile(baseline.latencies, 0.5).toFixed(2)} ms, added ${added(0.5).toFixed(2)} ms); p99 ${percentile(served.latencies, 0.99).toFixed(2)} ms (echo ${percentile(baseline.latencies, 0.99).toFixed(2)} ms, added ${added(0.99).toFixed(2)} ms); judge requests: ${judgeServer.requests.length}`,
    );
  } finally {
    await reward.close();
    await echo.close();
    await judgeServer.close();
  }
}
