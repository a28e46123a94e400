/**
 * A run killed with SIGKILL at several points, then re-run, ends with the same outputs as an uninterrupted run, and
 * no request the server completed is ever sent twice (run store + request cache). The CLI runs as a child process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stableHash } from '../../src/io/stable-hash.js';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { fixturePrompts, pipelineHandler, repositoryRoot, writeProject } from './pipeline-fixture.js';

/** A smaller prompt set: accepted, refused, low-scored (early exit) and unparseable verdicts. */
const prompts = fixturePrompts.filter((prompt) => ['locks', 'neighbour', 'low', 'garbage'].includes(prompt.id));

const childEntry = path.join(repositoryRoot, 'test/e2e/pipeline-cli-child.ts');
/** tsx resolved from this repository, so the child runs in the project's temp folder. */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `deliberate run` in a child; `killAfter` = SIGKILL it when its n-th request arrives (that one never answered). */
function runChild(options: {
  server: FakeOpenAIServer;
  folder: string;
  killAfter?: number;
  answered: string[];
}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    let child: ChildProcess | undefined;
    options.server.setHandler((body) => {
      seen += 1;
      if (options.killAfter !== undefined && seen >= options.killAfter) {
        child?.kill('SIGKILL');
        return { kind: 'stall' };
      }
      options.answered.push(stableHash(body));
      return pipelineHandler(body);
    });
    child = spawn(
      process.execPath,
      ['--import', tsxLoader, childEntry, 'run', '--config', 'deliberate.yaml', '--json'],
      {
        cwd: options.folder,
        env: { ...process.env, NO_COLOR: '1', CI: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function outputs(folder: string): Record<string, string> {
  const read = (name: string) => readFileSync(path.join(folder, 'out', name), 'utf8');
  return { sft: read('sft.jsonl'), meta: read('sft.meta.jsonl'), rl: read('rl.jsonl'), samples: read('samples.jsonl') };
}

describe('resume after SIGKILL', () => {
  const folders: string[] = [];
  let server: FakeOpenAIServer | undefined;

  afterAll(async () => {
    await server?.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('gives the outputs of an uninterrupted run and never repeats a completed request', async () => {
    server = await startFakeOpenAIServer(pipelineHandler);
    const project = (name: string) => {
      const folder = mkdtempSync(path.join(tmpdir(), `deliberate-${name}-`));
      folders.push(folder);
      // Concurrency 1: when request n arrives, request n-1 was answered and stored, so the kill point is exact.
      writeProject(folder, { baseUrl: server!.baseUrl, concurrency: 1, prompts });
      return folder;
    };

    // The uninterrupted run, in-process (the same CLI code the children run).
    const reference = project('reference');
    const referenceAnswered: string[] = [];
    server.setHandler((body) => {
      referenceAnswered.push(stableHash(body));
      return pipelineHandler(body);
    });
    const referenceRun = await runCli(['run', '--config', 'deliberate.yaml', '--json'], { cwd: reference });
    expect(referenceRun.exitCode).toBe(0);
    const referenceCounts = JSON.parse(referenceRun.stdout).counts;
    const total = referenceAnswered.length;
    expect(total).toBe(26);

    const interrupted = project('interrupted');
    const answered: string[] = [];
    // Kill points: early in generate, at the generate → judge boundary, in the middle of judging.
    for (const killAfter of [3, 7, 8]) {
      const killed = await runChild({ server, folder: interrupted, killAfter, answered });
      expect(killed.signal).toBe('SIGKILL');
    }
    const finished = await runChild({ server, folder: interrupted, answered });
    expect(finished.code).toBe(0);
    expect(JSON.parse(finished.stdout).counts).toEqual(referenceCounts);

    expect(outputs(interrupted)).toEqual(outputs(reference));
    // Every completed request was sent exactly once, and together they are exactly the uninterrupted run's requests.
    expect(new Set(answered).size).toBe(answered.length);
    expect(answered.length).toBe(total);
    expect(new Set(answered)).toEqual(new Set(referenceAnswered));
  }, 120_000);
});
