/**
 * `deliberate run` counts its exports' tokens on a worker thread that loaded the tokenizer while the run went on and
 * counted the prompts and validated completions ahead: the main thread never builds or runs the tokenizer, and the
 * counts are the ones this thread would give.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { countTokens } from '../../src/io/count-tokens.js';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { pipelineHandler, writeProject } from './pipeline-fixture.js';

const mainThread = vi.hoisted(() => ({
  encoded: [] as string[],
  workers: [] as Array<import('../../src/io/token-count-worker.js').TokenCountWorker>,
}));

// The run's token worker, to ask afterwards how many of the export's counts were ready before the export asked.
vi.mock('../../src/io/token-count-worker.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/io/token-count-worker.js')>();
  return {
    ...original,
    startTokenCountWorker: (...args: Parameters<typeof original.startTokenCountWorker>) => {
      const worker = original.startTokenCountWorker(...args);
      mainThread.workers.push(worker);
      return worker;
    },
  };
});

// Every text this thread's tokenizer encodes (the worker loads its own copy of the library, which this does not see).
vi.mock('@huggingface/tokenizers', async (importOriginal) => {
  const { recordEncodes } = await import('../helpers/record-encodes.js');
  return recordEncodes(await importOriginal<typeof import('@huggingface/tokenizers')>(), (text) => {
    mainThread.encoded.push(text);
  });
});

describe('deliberate run and the tokenizer', () => {
  let server: FakeOpenAIServer | undefined;
  let folder: string | undefined;

  afterAll(async () => {
    await server?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it("counts the exports' tokens off the main thread, the same numbers", async () => {
    server = await startFakeOpenAIServer((body) => pipelineHandler(body));
    folder = mkdtempSync(path.join(tmpdir(), 'deliberate-tokens-'));
    writeProject(folder, { baseUrl: server.baseUrl });
    const run = await runCli(['run', '--config', 'deliberate.yaml', '--json'], { cwd: folder });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(mainThread.encoded).toEqual([]);
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    const rl = manifest.exports.rl.tokenStatistics;
    const rows = readFileSync(path.join(folder, 'out', 'rl.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(rl.rows).toBe(rows.length);
    // The RL file's prompts are plain text (no chat template): each row's prompt is its turns joined by newlines.
    const counts = rows
      .map((line) => JSON.parse(line) as { prompt: Array<{ content: string }> })
      .map((row) => countTokens(row.prompt.map((turn) => turn.content).join('\n')));
    expect(rl.prompt.max).toBe(Math.max(...counts));
    expect(rl.prompt.min).toBe(Math.min(...counts));
    const sft = manifest.exports.sft.tokenStatistics;
    expect(sft.rows).toBeGreaterThan(0);
    // Each RL prompt and each SFT row's prompt and completion were counted while the run went on (prefetched).
    expect(mainThread.workers).toHaveLength(1);
    expect(mainThread.workers[0]!.prefetchedHits()).toBe(rl.rows + 2 * sft.rows);
  });
});
