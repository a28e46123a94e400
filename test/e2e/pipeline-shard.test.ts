/**
 * `run --shard i/n` on three "machines" (out folders) and `export --merge` of the three gives byte for byte the files
 * of one run over all prompts, and the shards together send exactly the requests the single run sends.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stableHash } from '../../src/io/stable-hash.js';
import { startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { fixturePrompts, pipelineHandler, writeProject } from './pipeline-fixture.js';

/**
 * The fixture prompts (accepted, refused, invalid, low-scored) and more, so every shard gets several. Not the
 * unparseable-verdict one: a shard holding only it would see every judge call fail and stop (fail-fast).
 */
const prompts = [
  ...fixturePrompts.filter((prompt) => prompt.id !== 'garbage'),
  ...Array.from({ length: 10 }, (_, index) => ({
    id: `extra-${index}`,
    prompt: `How do pin tumbler locks differ from wafer locks, variant ${index}?`,
    categories: ['illicit'],
  })),
];
const outputFiles = ['sft.jsonl', 'sft.meta.jsonl', 'rl.jsonl', 'samples.jsonl', 'judgements.jsonl'];
const folders: string[] = [];

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function project(baseUrl: string) {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-shard-'));
  folders.push(folder);
  writeProject(folder, { baseUrl, prompts, samples: 2, runs: 3 });
  return folder;
}

function outputs(outFolder: string): Record<string, string> {
  return Object.fromEntries(outputFiles.map((name) => [name, readFileSync(path.join(outFolder, name), 'utf8')]));
}

describe('run --shard i/n and export --merge', () => {
  it('give the same files as one run over all prompts, with the same requests split between the shards', async () => {
    const server = await startFakeOpenAIServer(pipelineHandler);
    try {
      const single = await project(server.baseUrl);
      const run = await runCli(['run', '--json'], { cwd: single });
      expect(run.exitCode, run.stderr).toBe(0);
      const singleRequests = server.requests.map((request) => stableHash(request.body)).sort();
      server.requests.length = 0;

      const sharded = await project(server.baseUrl);
      const shardPrompts: number[] = [];
      for (const index of [1, 2, 3]) {
        const shard = await runCli(['run', '--json', '--shard', `${index}/3`], { cwd: sharded });
        expect(shard.exitCode, shard.stderr).toBe(0);
        shardPrompts.push(JSON.parse(shard.stdout).counts.prompts);
      }
      expect(shardPrompts.every((count) => count > 0)).toBe(true);
      expect(shardPrompts.reduce((sum, count) => sum + count, 0)).toBe(JSON.parse(run.stdout).counts.prompts);
      const shardRequests = server.requests.length;
      const merge = await runCli(
        ['export', '--json', '--merge', 'out/shard-1-of-3', 'out/shard-2-of-3', 'out/shard-3-of-3'],
        { cwd: sharded },
      );
      expect(merge.exitCode, merge.stderr).toBe(0);
      expect(server.requests.length).toBe(shardRequests);
      expect(server.requests.map((request) => stableHash(request.body)).sort()).toEqual(singleRequests);
      expect(JSON.parse(merge.stdout).counts).toEqual(JSON.parse(run.stdout).counts);
      expect(outputs(path.join(sharded, 'out'))).toEqual(outputs(path.join(single, 'out')));
    } finally {
      await server.close();
    }
  });

  it('rejects a shard outside 1..n and a merge folder without a run store', async () => {
    const folder = await project('http://127.0.0.1:9/v1');
    const bad = await runCli(['run', '--shard', '4/3'], { cwd: folder });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/expected i\/n with 1 ≤ i ≤ n/);
    const missing = await runCli(['export', '--merge', 'nowhere'], { cwd: folder });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/no run store at .*nowhere.*run\.sqlite/);
  });
});
