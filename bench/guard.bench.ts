/**
 * The guard in deliberate mode (spec in context, no classifier, no policy check): requests/s and the latency it adds,
 * against the same requests sent straight to the upstream in the same run (a fake OpenAI-compatible server in this
 * process), 8 clients at a time, non-streaming. Run: `npm run bench -- guard`.
 */
import { createModelClient } from '../src/models/generate.js';
import { createOpenAICompatibleModel } from '../src/models/openai-compatible-model.js';
import { GuardSettings } from '../src/records/guard-settings.js';
import { startGuardServer } from '../src/servers/guard/create-guard-app.js';
import { loadSpec } from '../src/spec/load-spec.js';
import { startFakeOpenAIServer } from '../test/helpers/fake-openai-server.js';
import { tinySpecFolder } from '../test/helpers/run-eval-fixture.js';
import type { Bench } from './bench-report.js';
import { percentile, postLoad } from './http-load.js';

const clients = 8;
const body = JSON.stringify({
  model: 'fake-model',
  messages: [{ role: 'user', content: 'What is a safe way to store solvents?' }],
});

export async function run(bench: Bench): Promise<void> {
  const upstream = await startFakeOpenAIServer(() => ({
    content: 'Keep them sealed, cool and ventilated. '.repeat(8),
  }));
  const spec = await loadSpec(tinySpecFolder);
  const model = createOpenAICompatibleModel({ baseUrl: upstream.baseUrl, model: 'fake-model', connections: clients });
  const guard = await startGuardServer({
    spec,
    settings: GuardSettings.parse({}),
    mode: 'deliberate',
    upstream: { role: 'base', client: createModelClient(model, { maxRetries: 0, concurrency: clients }) },
    auditFile: null,
    port: 0,
    tokenSource: 'none',
  });
  const directUrl = `${upstream.baseUrl}/chat/completions`;
  const guardUrl = `${guard.url}/v1/chat/completions`;
  try {
    const count = Number(process.env.BENCH_GUARD_REQUESTS ?? 1500);
    await postLoad(directUrl, body, 200, clients);
    await postLoad(guardUrl, body, 200, clients);
    const direct = await postLoad(directUrl, body, count, clients);
    const guarded = await postLoad(guardUrl, body, count, clients);
    if (guarded.failed > 0 || direct.failed > 0)
      throw new Error(`guard bench: ${guarded.failed} guarded and ${direct.failed} direct requests failed`);
    const workload = `${count} requests, ${clients} clients, non-streaming, deliberate mode`;
    bench.figure({
      id: 'guard.rate',
      what: `guard requests/s (${workload})`,
      value: guarded.rate,
      unit: 'req/s',
      baseline: { what: 'the upstream directly, same requests', value: direct.rate },
    });
    for (const [name, fraction] of [
      ['p50', 0.5],
      ['p99', 0.99],
    ] as const) {
      const through = percentile(guarded.latencies, fraction);
      const straight = percentile(direct.latencies, fraction);
      bench.figure({
        id: `guard.latency-${name}`,
        what: `guard ${name} latency (${workload})`,
        value: through,
        unit: 'ms',
        baseline: { what: `upstream directly, ${name}`, value: straight },
        notes: `added ${(through - straight).toFixed(2)} ms`,
      });
    }
    bench.log(`guard: upstream saw ${upstream.requests.length} requests`);
  } finally {
    await guard.close();
    await upstream.close();
    await model.close?.();
  }
}
