/**
 * Against promptfoo (what users would otherwise script this with): the same plain-generation workload, one request
 * per prompt, both at concurrency 64 against the same fake endpoint process, at zero latency and at 200 ms:
 * requests/s and CPU seconds per 1,000 requests of each. promptfoo@0.121.20 (the last release for Node 20) is
 * installed only for this bench, into `<tmp>/deliberate-bench-promptfoo` (about 1.4 GB, a minute; kept for reruns).
 * Sizes: BENCH_PROMPTFOO_PROMPTS (default 1000).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeProject } from '../test/e2e/pipeline-fixture.js';
import { ensureBuilt, measure, measureCli, startEndpointProcess } from './bench-processes.js';
import type { Bench } from './bench-report.js';

const version = '0.121.20';
const concurrency = 64;

function installPromptfoo(): string {
  const folder = path.join(tmpdir(), 'deliberate-bench-promptfoo');
  const entry = path.join(folder, 'node_modules', 'promptfoo', 'package.json');
  if (!existsSync(entry) || JSON.parse(readFileSync(entry, 'utf8')).version !== version) {
    mkdirSync(folder, { recursive: true });
    if (!existsSync(path.join(folder, 'package.json')))
      writeFileSync(path.join(folder, 'package.json'), '{"name":"promptfoo-bench","private":true}\n');
    console.log(`bench: installing promptfoo@${version} into ${folder} (about a minute)…`);
    execFileSync('npm', ['i', '-E', '--no-audit', '--no-fund', `promptfoo@${version}`], {
      cwd: folder,
      stdio: 'ignore',
    });
  }
  const manifest = JSON.parse(readFileSync(entry, 'utf8')) as { bin: string | Record<string, string> };
  const bin =
    typeof manifest.bin === 'string' ? manifest.bin : (manifest.bin.promptfoo ?? Object.values(manifest.bin)[0]!);
  return path.join(folder, 'node_modules', 'promptfoo', bin);
}

function questions(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `How do pin tumbler locks work, part ${index}?`);
}

async function promptfooRun(cli: string, folder: string, baseUrl: string, count: number) {
  const config = [
    'prompts: ["{{question}}"]',
    `providers: [{ id: "openai:chat:fake-teacher", config: { apiBaseUrl: "${baseUrl}", apiKey: dummy, showThinking: true } }]`,
    'tests:',
    ...questions(count).map((question) => `  - vars: { question: ${JSON.stringify(question)} }`),
  ].join('\n');
  writeFileSync(path.join(folder, 'promptfooconfig.yaml'), `${config}\n`);
  const measured = await measure(
    process.execPath,
    [
      cli,
      'eval',
      '--no-cache',
      '-c',
      'promptfooconfig.yaml',
      '--no-progress-bar',
      '--no-table',
      '-j',
      String(concurrency),
      '-o',
      'out.json',
    ],
    {
      cwd: folder,
      env: {
        PROMPTFOO_DISABLE_TELEMETRY: '1',
        PROMPTFOO_DISABLE_UPDATE: '1',
        PROMPTFOO_DISABLE_SHARING: '1',
        PROMPTFOO_CONFIG_DIR: path.join(folder, '.promptfoo'),
      },
    },
  );
  const out = JSON.parse(readFileSync(path.join(folder, 'out.json'), 'utf8')) as {
    results: { stats: { successes: number; failures: number; errors?: number } };
  };
  return { ...measured, stats: out.results.stats };
}

async function deliberateRun(folder: string, baseUrl: string, count: number) {
  const prompts = questions(count).map((prompt, index) => ({ id: `q${index}`, prompt, categories: ['illicit'] }));
  const config = writeProject(folder, { baseUrl, prompts, samples: 1, runs: 1, concurrency });
  const measured = await measureCli(['generate', '--json', '--config', config]);
  if (measured.exitCode !== 0) throw new Error(`deliberate generate failed:\n${measured.stderr.slice(-2000)}`);
  return measured;
}

async function compare(bench: Bench, cli: string, root: string, latencyMs: number, count: number) {
  const endpoint = await startEndpointProcess(['--latency', String(latencyMs)]);
  try {
    const promptfooFolder = path.join(root, `promptfoo-${latencyMs}`);
    mkdirSync(promptfooFolder, { recursive: true });
    const theirs = await promptfooRun(cli, promptfooFolder, endpoint.baseUrl, count);
    const ours = await deliberateRun(path.join(root, `deliberate-${latencyMs}`), endpoint.baseUrl, count);
    const label = latencyMs === 0 ? 'zero latency' : `${latencyMs} ms latency`;
    bench.figure({
      id: `promptfoo.latency${latencyMs}.rate`,
      what: `plain generation, ${count} prompts × 1, concurrency 64, ${label}: requests/s (wall incl. start-up)`,
      value: count / ours.wallSeconds,
      unit: 'req/s',
      baseline: { what: `promptfoo ${version} eval`, value: count / theirs.wallSeconds },
      goal: { atLeast: 1 },
      notes: `promptfoo ${theirs.stats.successes} ok / ${theirs.stats.failures} failed`,
    });
    bench.figure({
      id: `promptfoo.latency${latencyMs}.cpu`,
      what: `client CPU seconds per 1,000 requests, ${label}`,
      value: (ours.cpuSeconds * 1000) / count,
      unit: 's',
      baseline: { what: `promptfoo ${version}`, value: (theirs.cpuSeconds * 1000) / count },
      ratio: theirs.cpuSeconds / ours.cpuSeconds,
      goal: { atLeast: 1 },
      notes: 'ratio = promptfoo CPU ÷ deliberate CPU (above 1: deliberate uses less)',
    });
  } finally {
    await endpoint.stop();
  }
}

export async function run(bench: Bench): Promise<void> {
  ensureBuilt();
  const cli = installPromptfoo();
  const count = Number(process.env.BENCH_PROMPTFOO_PROMPTS ?? 1000);
  const root = mkdtempSync(path.join(tmpdir(), 'deliberate-bench-vs-promptfoo-'));
  try {
    await compare(bench, cli, root, 0, count);
    await compare(bench, cli, root, 200, count);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
