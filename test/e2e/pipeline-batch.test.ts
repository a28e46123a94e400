/**
 * Batch generation as a first-class path (issue 13 item 5, issue 12 item 4): the run's own pending teacher and judge
 * requests go out as OpenAI Batch / `vllm run-batch` files, a batch job answers them with the same fake model as the
 * live server, and reading the results back gives byte for byte the outputs of a live run, with no request sent.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stableHash } from '../../src/io/stable-hash.js';
import { answerBatchFile } from '../helpers/answer-batch-file.js';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { type CliRun, runCli } from '../helpers/run-cli.js';
import { pipelineHandler, writeProject } from './pipeline-fixture.js';

const outputFiles = ['sft.jsonl', 'sft.meta.jsonl', 'rl.jsonl', 'samples.jsonl', 'judgements.jsonl'];
const folders: string[] = [];
let server: FakeOpenAIServer;
let live: string;
/** The bodies the live run sent, without the transport fields (a batch body is never streamed). */
let liveBodies: string[];

function project(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-batch-run-'));
  folders.push(folder);
  writeProject(folder, { baseUrl: server.baseUrl, samples: 2, runs: 3 });
  return folder;
}

function outputs(folder: string): Record<string, string> {
  return Object.fromEntries(outputFiles.map((name) => [name, readFileSync(path.join(folder, 'out', name), 'utf8')]));
}

function requestFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.requests(\.\d+-of-\d+)?\.jsonl$/.test(name))
    .map((name) => path.join(dir, name));
}

/** Answers every request file of the folder as a batch job would; returns the bodies it was given. */
async function runBatchJobs(dir: string): Promise<string[]> {
  const bodies: string[] = [];
  for (const file of requestFiles(dir)) {
    for (const line of readFileSync(file, 'utf8').trim().split('\n')) bodies.push(stableHash(JSON.parse(line).body));
    await answerBatchFile(file, file.replace('.requests', '.results'), pipelineHandler);
  }
  return bodies;
}

function json(run: CliRun) {
  expect(run.exitCode, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

beforeAll(async () => {
  server = await startFakeOpenAIServer(pipelineHandler);
  live = project();
  json(await runCli(['run', '--json'], { cwd: live }));
  liveBodies = server.requests
    .map(({ body }) => {
      const { stream: _stream, stream_options: _options, ...rest } = body;
      return stableHash(rest);
    })
    .sort();
  server.requests.length = 0;
});

afterAll(async () => {
  await server.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('the batch round trip of a run’s own requests', () => {
  it('gives the same outputs as a live run: generate, then judge, through batch files; then select and export', async () => {
    const folder = project();
    const sent: string[] = [];
    const written = json(await runCli(['generate', '--batch-write', 'batches', '--json'], { cwd: folder }));
    expect(written.status).toBe('waiting');
    expect(Object.keys(written.batch.waiting)).toEqual(['teacher']);
    expect(written.batch.files.map((file: { file: string }) => path.basename(file.file))).toEqual([
      'teacher.requests.jsonl',
    ]);
    sent.push(...(await runBatchJobs(path.join(folder, 'batches'))));
    const generated = json(await runCli(['generate', '--batch-read', 'batches', '--json'], { cwd: folder }));
    expect(generated.status).toBe('complete');
    expect(generated.batch.read.stored).toBe(written.batch.waiting.teacher);
    expect(generated.batch.waiting).toEqual({});

    // The judge: k = 3 runs with early exit and a repair, so a round per run until nothing waits.
    let round = json(await runCli(['judge', '--batch-write', 'batches', '--json'], { cwd: folder }));
    let rounds = 0;
    while (round.status === 'waiting') {
      rounds += 1;
      expect(Object.keys(round.batch.waiting)).toEqual(['judge']);
      sent.push(...(await runBatchJobs(path.join(folder, 'batches'))));
      round = json(await runCli(['judge', '--batch-read', 'batches', '--json'], { cwd: folder }));
      expect(rounds).toBeLessThan(8);
    }
    expect(rounds).toBeGreaterThanOrEqual(3);
    json(await runCli(['export', '--json'], { cwd: folder }));

    expect(server.requests).toHaveLength(0);
    expect(outputs(folder)).toEqual(outputs(live));
    // Exactly the requests the live run sent, each once.
    expect(sent.sort()).toEqual(liveBodies);
    // Every result file read moved under read/<n>/; no spool or request file is left behind.
    expect(readdirSync(path.join(folder, 'batches')).sort()).toEqual(['read']);
  });

  it('`run --via batch` repeated until nothing waits gives the same outputs, with files split at the limits', async () => {
    const folder = project();
    const dir = path.join(folder, 'out', 'batch');
    const limits = ['--batch-max-requests', '5', '--batch-nodes', '2'];
    let round = json(await runCli(['run', '--via', 'batch', '--json', ...limits], { cwd: folder }));
    let rounds = 0;
    while (round.status === 'waiting') {
      rounds += 1;
      for (const file of round.batch.files as Array<{ role: string; file: string; requests: number }>) {
        expect(file.requests).toBeLessThanOrEqual(5);
        expect(path.basename(file.file)).toMatch(new RegExp(`^${file.role}\\.requests\\.\\d+-of-\\d+\\.jsonl$`));
      }
      const total = Object.values(round.batch.waiting as Record<string, number>).reduce((sum, n) => sum + n, 0);
      expect(round.batch.files.length).toBeGreaterThanOrEqual(Math.max(2, Math.ceil(total / 5)));
      await runBatchJobs(dir);
      round = json(await runCli(['run', '--via', 'batch', '--json', ...limits], { cwd: folder }));
      expect(rounds).toBeLessThan(8);
    }
    expect(round.status).toBe('complete');
    expect(server.requests).toHaveLength(0);
    expect(outputs(folder)).toEqual(outputs(live));
  });

  it('alternates with live runs: a failed line is a typed failure with the provider message, sent again next round', async () => {
    const folder = project();
    const dir = path.join(folder, 'batches');
    json(await runCli(['generate', '--batch-write', 'batches', '--json'], { cwd: folder }));
    const [file] = requestFiles(dir);
    await answerBatchFile(file!, path.join(dir, 'teacher.results.jsonl'), pipelineHandler, {
      fail: (_id, index) =>
        index === 0 ? { status: 400, message: 'prompt is longer than the maximum model length' } : undefined,
    });
    const failed = await runCli(['generate', '--batch-read', 'batches'], { cwd: folder });
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toMatch(
      /1 failed \(sent again next round; first: .*teacher\.results\.jsonl:\d+: HTTP 400: .*maximum model length/,
    );
    expect(failed.stderr).toMatch(/transport-failure 1.*HTTP 400: .*maximum model length/s);
    // The next round writes only that request again; a live run could send it just as well.
    const again = json(await runCli(['generate', '--batch-write', 'batches', '--json'], { cwd: folder }));
    expect(again.batch.waiting).toEqual({ teacher: 1 });
    const live = json(await runCli(['generate', '--json'], { cwd: folder }));
    expect(live.status).toBe('complete');
    expect(server.requests).toHaveLength(1);
    server.requests.length = 0;
    // Nothing waits now: the next round finds every teacher request answered.
    expect(
      json(await runCli(['generate', '--via', 'batch', '--batch-dir', 'batches', '--json'], { cwd: folder })).batch
        .waiting,
    ).toEqual({});
  });

  it('stops on a malformed result line or a foreign custom_id, naming file:line, and stores nothing', async () => {
    const folder = project();
    const dir = path.join(folder, 'batches');
    json(await runCli(['generate', '--batch-write', 'batches', '--json'], { cwd: folder }));
    const results = path.join(dir, 'teacher.results.jsonl');
    await answerBatchFile(requestFiles(dir)[0]!, results, pipelineHandler);
    const good = readFileSync(results, 'utf8');
    writeFileSync(results, `${good.split('\n')[0]}\n{"custom_id": "deliberate-abc", "response": {"status_code": 2\n`);
    const malformed = await runCli(['generate', '--batch-read', 'batches'], { cwd: folder });
    expect(malformed.exitCode).toBe(1);
    expect(malformed.stderr).toContain(`${results}:2`);
    expect(malformed.stderr).toMatch(/not valid JSON/);
    writeFileSync(
      results,
      `${good}{"custom_id":"someone-else-7","response":{"status_code":200,"body":{}},"error":null}\n`,
    );
    const foreign = await runCli(['generate', '--batch-read', 'batches'], { cwd: folder });
    expect(foreign.exitCode).toBe(1);
    expect(foreign.stderr).toContain(`${results}:${good.trim().split('\n').length + 1}`);
    expect(foreign.stderr).toMatch(/custom_id "someone-else-7" is not a request of/);
    // Nothing was stored or moved: the file is still there, and the next round still waits for every request.
    expect(existsSync(results)).toBe(true);
    rmSync(results);
    const round = json(await runCli(['generate', '--batch-write', 'batches', '--json'], { cwd: folder }));
    expect(round.batch.waiting.teacher).toBe(good.trim().split('\n').length);
    // Unread results stop --batch-write (they would be lost).
    writeFileSync(results, good);
    const refused = await runCli(['generate', '--batch-write', 'batches'], { cwd: folder });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/holds result files not read yet: teacher\.results\.jsonl/);
    expect(server.requests).toHaveLength(0);
  });
});
