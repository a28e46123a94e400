/**
 * Throughput of the whole pipeline (N = 2 samples, validation, judge k = 3, selection, export) against the fake
 * endpoint in its own process, concurrency 64:
 *   - at 200 ms latency, requests/s ÷ the ideal (concurrency ÷ latency);
 *   - at zero latency, deliberate's CPU ms per request (vs the bare loop's) and requests/s ÷ a bare fetch loop
 *     replaying the very bodies deliberate sent.
 * Sizes: BENCH_PROMPTS (default 5000 at 200 ms, the size: 40,000 requests) and BENCH_ZERO_PROMPTS (default
 * 1000 at zero latency); at 200 ms the bare loop replays the first BENCH_BARE_REQUESTS (default 16,000) of those bodies,
 * a steady-state rate with no start-up to amortise, so that `npm run bench` stays under 15 minutes on 2 cores.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeProject } from '../test/e2e/pipeline-fixture.js';
import { ensureBuilt, measureCli, measureScript, startEndpointProcess } from './bench-processes.js';
import type { Bench } from './bench-report.js';

const concurrency = 64;

export function benchPrompts(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    id: `q${index}`,
    prompt: `How do pin tumbler locks work, part ${index}?`,
    categories: ['illicit'],
  }));
}

interface PipelineRun {
  requests: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMB: number;
  bodiesFile: string;
  baseUrl: string;
}

/** One `deliberate run` of `count` prompts against a fresh endpoint process at `latencyMs`. */
async function pipelineRun(folder: string, count: number, latencyMs: number, keepEndpoint: boolean) {
  const bodiesFile = path.join(folder, 'bodies.jsonl');
  const endpoint = await startEndpointProcess(['--latency', String(latencyMs), '--bodies', bodiesFile]);
  const prompts = benchPrompts(count);
  const config = writeProject(folder, { baseUrl: endpoint.baseUrl, prompts, samples: 2, runs: 3, concurrency });
  writeFileSync(path.join(folder, 'prompts.jsonl'), prompts.map((prompt) => `${JSON.stringify(prompt)}\n`).join(''));
  const measured = await measureCli(['run', '--json', '--config', config]);
  if (measured.exitCode !== 0) throw new Error(`deliberate run failed:\n${measured.stderr.slice(-3000)}`);
  const summary = JSON.parse(measured.stdout) as { counts: Record<string, number> };
  const run: PipelineRun = { requests: 0, ...measured, bodiesFile, baseUrl: endpoint.baseUrl };
  if (!keepEndpoint) await endpoint.stop();
  // Count what was sent: every line of the bodies file is one request.
  const { readFileSync } = await import('node:fs');
  run.requests = readFileSync(bodiesFile, 'utf8').split('\n').filter(Boolean).length;
  return { run, summary, endpoint };
}

async function bareLoop(baseUrl: string, bodiesFile: string, limit?: number) {
  const limitArgument = limit === undefined ? [] : [String(limit)];
  const measured = await measureScript('bare-fetch.ts', [baseUrl, bodiesFile, String(concurrency), ...limitArgument]);
  if (measured.exitCode !== 0) throw new Error(`bare fetch loop failed:\n${measured.stderr.slice(-2000)}`);
  const result = JSON.parse(measured.stdout) as { requests: number; failed: number; seconds: number };
  return { ...result, cpuSeconds: measured.cpuSeconds, rate: result.requests / result.seconds };
}

async function latencyRun(bench: Bench, count: number) {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-bench-throughput-'));
  try {
    const latencyMs = 200;
    const { run, summary } = await pipelineRun(folder, count, latencyMs, false);
    const ideal = concurrency / (latencyMs / 1000);
    // What this machine and the fake endpoint allow: the bare loop replays the same bodies at the same latency and
    // concurrency, and is held to the same definition (requests ÷ its wall) against the same ideal.
    const endpoint = await startEndpointProcess(['--latency', String(latencyMs)]);
    const bareLimit = Number(process.env.BENCH_BARE_REQUESTS ?? 16_000);
    const bare = await bareLoop(endpoint.baseUrl, run.bodiesFile, bareLimit).finally(() => endpoint.stop());
    bench.figure({
      id: 'throughput.latency200.ideal-share',
      what: `whole pipeline, ${count} prompts × 2 samples, judge k = 3, 200 ms latency, concurrency 64: requests/s (wall incl. start-up and export)`,
      value: run.requests / run.wallSeconds,
      unit: 'req/s',
      baseline: { what: 'ideal (concurrency ÷ latency)', value: ideal },
      goal: { atLeast: 0.95 },
      notes: `${run.requests} requests in ${run.wallSeconds.toFixed(1)} s; ${summary.counts.accepted} accepted; peak RSS ${run.peakRssMB.toFixed(0)} MB`,
    });
    bench.figure({
      id: 'throughput.latency200.bare-share',
      what: `bare fetch loop, the first ${bare.requests} of those bodies, 200 ms latency, concurrency 64: requests/s (no start-up: what the machine and endpoint allow)`,
      value: bare.rate,
      unit: 'req/s',
      baseline: { what: 'ideal (concurrency ÷ latency)', value: ideal },
      notes: `deliberate's requests/s ÷ the bare loop's: ${(run.requests / run.wallSeconds / bare.rate).toFixed(2)}; ${bare.failed} failed`,
    });
    bench.figure({
      id: 'throughput.latency200.peak-rss',
      what: `peak RSS of that run (${count} prompts)`,
      value: run.peakRssMB,
      unit: 'MB',
      baseline: { what: 'per prompt', value: run.peakRssMB / count, unit: 'MB' },
      goal: { of: 'value', atMost: 150 },
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function zeroLatencyRun(bench: Bench, count: number) {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-bench-throughput-'));
  try {
    const { run, endpoint } = await pipelineRun(folder, count, 0, true);
    const bare = await bareLoop(run.baseUrl, run.bodiesFile);
    await endpoint.stop();
    const cpuMs = (run.cpuSeconds * 1000) / run.requests;
    const bareCpuMs = (bare.cpuSeconds * 1000) / bare.requests;
    bench.figure({
      id: 'throughput.zero-latency.rate',
      what: `whole pipeline, ${count} prompts, zero latency, concurrency 64: requests/s`,
      value: run.requests / run.wallSeconds,
      unit: 'req/s',
      baseline: { what: 'bare fetch loop, same bodies', value: bare.rate },
      goal: { atLeast: 0.5 },
      notes: `${run.requests} requests; deliberate wall includes start-up, intake, validation, selection and export`,
    });
    bench.figure({
      id: 'throughput.zero-latency.cpu-per-request',
      what: 'client CPU (user + system) per request at zero latency',
      value: cpuMs,
      unit: 'ms',
      baseline: { what: 'bare fetch loop', value: bareCpuMs },
      goal: { of: 'value', atMost: 2 },
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export async function run(bench: Bench): Promise<void> {
  ensureBuilt();
  await zeroLatencyRun(bench, Number(process.env.BENCH_ZERO_PROMPTS ?? 1000));
  await latencyRun(bench, Number(process.env.BENCH_PROMPTS ?? 5000));
}
