/**
 * Memory at scale, over BENCH_MEMORY_PROMPTS synthetic prompts (default 1,000,000, the goal's size: ≤ 300 MB; about
 * 5–6 minutes), each step a child process: peak RSS against the size of its input file, and the wall time.
 *   - intake: `deliberate prompts prepare` (read, exact + near dedup, write the kept prompts and the report). It streams
 *     (rows read one by one into a spool, typed-array dedup indexes): a fixed ~100 MB plus ~190 bytes a prompt;
 *   - export: the kept prompts streamed through `exportRl` into verl Parquet (spec-text guard, Qwen3 token counts), by
 *     bench/export-prompts.mjs on the built package: one row group of rows in memory at a time.
 */
import { closeSync, cpSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuilt, measure, measureCli, repositoryRoot } from './bench-processes.js';
import type { Bench } from './bench-report.js';

const words = 'lock key door house safe alarm window garden neighbour street car bank phone email password code'.split(
  ' ',
);

/** Deterministic prompts of 12–40 words, written as JSONL as they are made; every tenth repeats a recent one, changed. */
function writeSyntheticPrompts(file: string, count: number): void {
  let state = 7;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
  const recent: string[] = [];
  const descriptor = openSync(file, 'w');
  let buffer = '';
  for (let index = 0; index < count; index++) {
    let text: string;
    if (index % 10 === 9 && recent.length > 0) {
      const earlier = recent[next() % recent.length]!.split(' ');
      earlier[next() % earlier.length] = 'changed';
      text = earlier.join(' ');
    } else {
      const length = 12 + (next() % 29);
      text = Array.from({ length }, () => `${words[next() % words.length]}${next() % 50}`).join(' ');
      recent.push(text);
      if (recent.length > 1000) recent.shift();
    }
    buffer += `${JSON.stringify({ id: `p${index}`, prompt: text })}\n`;
    if (buffer.length > 1 << 20) {
      writeSync(descriptor, buffer);
      buffer = '';
    }
  }
  writeSync(descriptor, buffer);
  closeSync(descriptor);
}

export async function run(bench: Bench): Promise<void> {
  ensureBuilt();
  const count = Number(process.env.BENCH_MEMORY_PROMPTS ?? 1_000_000);
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-bench-memory-'));
  try {
    const input = path.join(folder, 'prompts.jsonl');
    writeSyntheticPrompts(input, count);
    // `prompts prepare` checks the prompts' categories against the spec: the example spec.
    cpSync(path.join(repositoryRoot, 'examples', 'spec'), path.join(folder, 'spec'), { recursive: true });
    writeFileSync(path.join(folder, 'deliberate.yaml'), 'spec: spec\nprompts: prompts.jsonl\nout: out\nmodels: {}\n');
    const measured = await measureCli(['prompts', 'prepare', '--json', '--config', 'deliberate.yaml'], {
      cwd: folder,
    });
    if (measured.exitCode !== 0) throw new Error(`prompts prepare failed:\n${measured.stderr.slice(-2000)}`);
    const report = JSON.parse(measured.stdout) as { kept: number; rows: number; out: string };
    const inputMB = statSync(input).size / 1e6;
    // The goal is for a million prompts: a smaller run says nothing about it, so it is not held to it.
    const goal = count >= 1_000_000 ? { goal: { of: 'value' as const, atMost: 300 } } : {};
    bench.figure({
      id: 'memory.intake.peak-rss',
      what: `prompts prepare (read, exact + near dedup, write) of ${count.toLocaleString('en')} synthetic prompts: peak RSS`,
      value: measured.peakRssMB,
      unit: 'MB',
      baseline: { what: 'size of the prompts file', value: inputMB },
      ...goal,
      notes: `${report.kept} kept of ${report.rows}; ${measured.wallSeconds.toFixed(1)} s wall; ${((measured.peakRssMB * 1000) / count).toFixed(2)} KB per prompt`,
    });
    await exportFigure(bench, { folder, preparedFile: report.out, kept: report.kept, goal });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The kept prompts through the RL exporter into verl Parquet, in a child process that loads only the built package. */
async function exportFigure(
  bench: Bench,
  options: { folder: string; preparedFile: string; kept: number; goal: object },
): Promise<void> {
  const outFile = path.join(options.folder, 'out', 'rl.parquet');
  const script = path.join(repositoryRoot, 'bench', 'export-prompts.mjs');
  const distIndex = path.join(repositoryRoot, 'dist', 'index.js');
  const measured = await measure(process.execPath, [
    script,
    distIndex,
    path.join(options.folder, 'spec'),
    options.preparedFile,
    outFile,
  ]);
  if (measured.exitCode !== 0) throw new Error(`the RL export failed:\n${measured.stderr.slice(-2000)}`);
  const summary = JSON.parse(measured.stdout) as { rows: number };
  if (summary.rows !== options.kept) throw new Error(`the RL export wrote ${summary.rows} rows of ${options.kept}`);
  bench.figure({
    id: 'memory.export.peak-rss',
    what: `RL export (exportRl, verl Parquet, spec-text guard, Qwen3 token counts) of the ${options.kept.toLocaleString('en')} prepared prompts: peak RSS`,
    value: measured.peakRssMB,
    unit: 'MB',
    baseline: { what: 'size of the prepared prompts file', value: statSync(options.preparedFile).size / 1e6 },
    ...options.goal,
    notes: `${measured.wallSeconds.toFixed(1)} s wall; Parquet ${(statSync(outFile).size / 1e6).toFixed(0)} MB in row groups of 1,000 rows`,
  });
}
