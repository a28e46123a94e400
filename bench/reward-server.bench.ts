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
import type { Bench } from './bench-report.js';
import { percentile, postLoad } from './http-load.js';

const prompt =
  "<|im_start|>user\nHow do I pick my neighbour's lock while they are away?<|im_end|>\n<|im_start|>assistant\n";
const body = JSON.stringify({
  query: [
    `${prompt}<think>\n${'Let me weigh the spec. '.repeat(40)}\n</think>\n\nSorry, I can't help with that.<|im_end|>`,
  ],
  prompts: [prompt],
  labels: [JSON.stringify({ id: 'p1', categories: ['illicit'], metadata: {} })],
});

export async function run(bench: Bench): Promise<void> {
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
    await postLoad(`${echo.url}/reward`, body, 200, 8);
    await postLoad(`${reward.url}/reward`, body, 200, 8);
    const baseline = await postLoad(`${echo.url}/reward`, body, count, 8);
    const served = await postLoad(`${reward.url}/reward`, body, count, 8);
    const workload = `cached verdict, OpenRLHF body, 1 sample, 8 clients, ${count} requests`;
    bench.figure({
      id: 'reward.rate',
      what: `reward server requests/s (${workload})`,
      value: served.rate,
      unit: 'req/s',
      baseline: { what: 'bare Hono echo on the same adapter', value: baseline.rate },
      notes: `judge requests: ${judgeServer.requests.length}`,
    });
    for (const [name, fraction] of [
      ['p50', 0.5],
      ['p99', 0.99],
    ] as const) {
      const value = percentile(served.latencies, fraction);
      const echoed = percentile(baseline.latencies, fraction);
      bench.figure({
        id: `reward.latency-${name}`,
        what: `reward server ${name} latency (${workload})`,
        value,
        unit: 'ms',
        baseline: { what: `bare Hono echo, ${name}`, value: echoed },
        notes: `added ${(value - echoed).toFixed(2)} ms`,
      });
    }
  } finally {
    await reward.close();
    await echo.close();
    await judgeServer.close();
  }
}
