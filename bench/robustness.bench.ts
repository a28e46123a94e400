/**
 * Robustness of the whole pipeline against the fake endpoint in its own process:
 *   - faults: 20 % of requests fail (429 with Retry-After, 500, reset, stall, truncated body, in turn); every sample
 *     must end accepted, rejected or failed with its reason, none missing;
 *   - SIGKILL at five random points, each followed by a resume: the outputs must equal a clean run's byte for byte,
 *     and no request whose answer was sent before a kill may be sent again (only those in flight may);
 *   - judge early exit: judge calls at k = 3 when half the samples score low, against the same run with threshold 0
 *     (no run can fall below it, so every sample gets all k runs).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeProject } from '../test/e2e/pipeline-fixture.js';
import { ensureBuilt, measureCli, repositoryRoot, startEndpointProcess } from './bench-processes.js';
import type { Bench } from './bench-report.js';

const outputFiles = ['sft.jsonl', 'sft.meta.jsonl', 'rl.jsonl', 'samples.jsonl', 'judgements.jsonl'];

interface ProjectOptions {
  baseUrl: string;
  prompts: Array<{ id: string; prompt: string; categories: string[] }>;
  concurrency: number;
  roleLines?: string;
  threshold?: number;
}

/** spec/, prompts.jsonl and deliberate.yaml for a bench run: 2 samples, judge k = 3, no retries unless `roleLines`. */
function writeBenchProject(folder: string, options: ProjectOptions): string {
  return writeProject(folder, {
    baseUrl: options.baseUrl,
    prompts: options.prompts,
    concurrency: options.concurrency,
    samples: 2,
    runs: 3,
    roleLines: options.roleLines ?? '    maxRetries: 0',
    extraConfig: options.threshold === undefined ? '' : `select:\n  threshold: ${options.threshold}`,
  });
}

function prompts(count: number, lowShare = 0) {
  return Array.from({ length: count }, (_, index) => ({
    id: `q${index}`,
    prompt:
      index < count * lowShare
        ? `LOWSCORE: describe how burglar alarms work, part ${index}`
        : `How do pin tumbler locks work, part ${index}?`,
    categories: ['illicit'],
  }));
}

function readLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function faults(bench: Bench, folder: string) {
  const count = 300;
  const endpoint = await startEndpointProcess(['--latency', '20', '--faults', '0.2', '--seed', '7']);
  const config = writeBenchProject(folder, {
    baseUrl: endpoint.baseUrl,
    prompts: prompts(count),
    concurrency: 32,
    roleLines: '    maxRetries: 2\n    retryBaseDelayMs: 50\n    retryMaxDelayMs: 500\n    timeoutMs: 2000',
  });
  const run = await measureCli(['run', '--json', '--allow-failures', '1', '--config', config]);
  const played = await endpoint.stop();
  const rows = readLines(path.join(folder, 'out', 'samples.jsonl')).map(
    (line) => JSON.parse(line) as { status: string; reason: string | null },
  );
  const accounted = rows.filter(
    (row) => row.status === 'accepted' || ((row.status === 'rejected' || row.status === 'failed') && !!row.reason),
  ).length;
  const failed = rows.filter((row) => row.status === 'failed');
  const reasons = [...new Set(failed.map((row) => row.reason))].join(', ') || 'none';
  bench.figure({
    id: 'robustness.faults.samples-accounted',
    what: `${count} prompts × 2 samples with 20 % of requests failing (429 + Retry-After, 500, reset, stall, truncated), 2 retries: samples ending accepted, or rejected/failed with a reason`,
    value: accounted,
    unit: 'samples',
    baseline: { what: 'samples expected', value: count * 2 },
    goal: { atLeast: 1 },
    notes: `exit ${run.exitCode}; ${played}; ${failed.length} failed (${reasons}); wall ${run.wallSeconds.toFixed(1)} s`,
  });
}

/** A `deliberate run` child that is SIGKILLed after `killAfterMs` (or runs to the end when undefined). */
function runUntilKilled(
  config: string,
  killAfterMs: number | undefined,
): Promise<{ killedAt?: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      [path.join(repositoryRoot, 'bin', 'deliberate.js'), 'run', '--json', '--config', config],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    let killedAt: number | undefined;
    const timer =
      killAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            killedAt = Date.now();
            child.kill('SIGKILL');
          }, killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ killedAt, code });
    });
  });
}

async function kills(bench: Bench, folder: string) {
  const count = 200;
  const latencyMs = 30;
  const reference = path.join(folder, 'reference');
  const killed = path.join(folder, 'killed');
  mkdirSync(folder, { recursive: true });
  // One endpoint for both runs: ids and cache keys include the base URL, so the clean run must use the same one.
  const answersFile = path.join(folder, 'answers.txt');
  const endpoint = await startEndpointProcess(['--latency', String(latencyMs), '--answers', answersFile]);
  const referenceRun = await measureCli([
    'run',
    '--json',
    '--config',
    writeBenchProject(reference, { baseUrl: endpoint.baseUrl, prompts: prompts(count), concurrency: 16 }),
  ]);
  if (referenceRun.exitCode !== 0) throw new Error(`reference run failed:\n${referenceRun.stderr.slice(-2000)}`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const referenceAnswers = readLines(answersFile).length;
  const config = writeBenchProject(killed, { baseUrl: endpoint.baseUrl, prompts: prompts(count), concurrency: 16 });
  let state = 11;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const killTimes: number[] = [];
  for (let kill = 0; kill < 5; kill++) {
    // Somewhere in start-up, intake, generation or judging of what is left (the full run takes about wall seconds).
    const after = 300 + random() * referenceRun.wallSeconds * 1000 * 0.5;
    const result = await runUntilKilled(config, after);
    if (result.killedAt !== undefined) killTimes.push(result.killedAt);
  }
  const final = await runUntilKilled(config, undefined);
  await endpoint.stop();
  const same = outputFiles.filter(
    (name) =>
      existsSync(path.join(killed, 'out', name)) &&
      readFileSync(path.join(killed, 'out', name)).equals(readFileSync(path.join(reference, 'out', name))),
  ).length;
  bench.figure({
    id: 'robustness.sigkill.identical-outputs',
    what: `${count} prompts, SIGKILL at 5 random points, each followed by a resume: output files byte-identical to a clean run's`,
    value: same,
    unit: 'files',
    baseline: { what: 'output files', value: outputFiles.length },
    goal: { atLeast: 1 },
    notes: `final exit ${final.code}; ${killTimes.length} kills landed`,
  });
  // A request sent twice is acceptable only if its first answer was still in flight when the process died (not yet
  // sent, or sent moments before the kill: on a loaded machine a reply can wait in the socket for a while); an answer
  // sent more than a second before a kill reached a process that should have stored it.
  const firstAnswer = new Map<string, number>();
  let repeatedAfterStored = 0;
  let repeated = 0;
  const gaps: number[] = [];
  for (const line of readLines(answersFile).slice(referenceAnswers)) {
    const [hash, time] = line.split(' ');
    const earlier = firstAnswer.get(hash!);
    if (earlier === undefined) {
      firstAnswer.set(hash!, Number(time));
      continue;
    }
    repeated += 1;
    const killAfterAnswer = killTimes.find((kill) => kill >= earlier);
    if (killAfterAnswer !== undefined) gaps.push(killAfterAnswer - earlier);
    if (killAfterAnswer === undefined || killAfterAnswer - earlier > 1000) repeatedAfterStored += 1;
  }
  bench.figure({
    id: 'robustness.sigkill.finished-requests-resent',
    what: 'requests answered well before a kill (> 1 s) and sent again by a resume',
    value: repeatedAfterStored,
    unit: 'requests',
    baseline: { what: 'requests answered', value: firstAnswer.size },
    goal: { of: 'value', atMost: 0 },
    notes: `${repeated} requests sent twice in all, answered ${gaps.length > 0 ? `${Math.min(...gaps)}–${Math.max(...gaps)}` : '–'} ms before a kill (in flight, or received but not yet stored)`,
  });
}

async function earlyExit(bench: Bench, folder: string) {
  const count = 200;
  const judgeCalls = async (name: string, threshold?: number) => {
    mkdirSync(folder, { recursive: true });
    const bodiesFile = path.join(folder, `${name}-bodies.jsonl`);
    const endpoint = await startEndpointProcess(['--bodies', bodiesFile]);
    const config = writeBenchProject(path.join(folder, name), {
      baseUrl: endpoint.baseUrl,
      prompts: prompts(count, 0.5),
      concurrency: 32,
      threshold,
    });
    const run = await measureCli(['run', '--json', '--config', config]);
    await endpoint.stop();
    if (run.exitCode !== 0) throw new Error(`early-exit run failed:\n${run.stderr.slice(-2000)}`);
    return readLines(bodiesFile).filter((line) => line.includes('"model":"fake-judge"')).length;
  };
  const withEarlyExit = await judgeCalls('early-exit');
  const without = await judgeCalls('no-early-exit', 0);
  bench.figure({
    id: 'robustness.judge.early-exit-calls',
    what: `judge calls at k = 3, ${count} prompts × 2 samples, half of them scored low`,
    value: withEarlyExit,
    unit: 'calls',
    baseline: { what: 'without early exit (threshold 0)', value: without },
    notes: `saves ${(100 * (1 - withEarlyExit / without)).toFixed(0)} % of judge calls`,
  });
}

export async function run(bench: Bench): Promise<void> {
  ensureBuilt();
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-bench-robustness-'));
  try {
    const only = process.env.BENCH_ONLY;
    if (!only || only === 'faults') await faults(bench, path.join(folder, 'faults'));
    if (!only || only === 'kills') await kills(bench, path.join(folder, 'kills'));
    if (!only || only === 'early') await earlyExit(bench, path.join(folder, 'early'));
  } finally {
    if (process.env.BENCH_KEEP) bench.log(`kept ${folder}`);
    else rmSync(folder, { recursive: true, force: true });
  }
}
