/**
 * One run per out folder (issue 8): a second run on a folder in use exits at once naming the holder; a lock left by
 * a process that is gone is stale and taken over; a lock held on another host is never taken silently.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { fixturePrompts, pipelineHandler, writeProject } from './pipeline-fixture.js';

let server: FakeOpenAIServer;
const folders: string[] = [];
beforeAll(async () => {
  server = await startFakeOpenAIServer(pipelineHandler);
});
afterAll(async () => {
  await server.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function project(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-lock-'));
  folders.push(folder);
  writeProject(folder, { baseUrl: server.baseUrl, prompts: fixturePrompts.slice(0, 1) });
  return folder;
}

function writeLock(folder: string, holder: Record<string, unknown>): string {
  mkdirSync(path.join(folder, 'out'), { recursive: true });
  const file = path.join(folder, 'out', 'run.lock');
  writeFileSync(file, JSON.stringify(holder));
  return file;
}

describe('run lock', () => {
  it('a second run on a folder in use exits at once naming pid, host and start time; nothing sent twice', async () => {
    const folder = project();
    server.setHandler((body) => ({ ...(pipelineHandler(body) as object), delayMs: 300 }));
    const first = runCli(['run'], { cwd: folder });
    const lock = path.join(folder, 'out', 'run.lock');
    while (!existsSync(lock)) await new Promise((resolve) => setTimeout(resolve, 10));
    const before = server.requests.length;
    const second = await runCli(['run'], { cwd: folder });
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toContain(
      `the out folder ${path.join(folder, 'out')} is in use by deliberate run (pid ${process.pid} on host ${hostname()}, started `,
    );
    expect(second.stderr).toContain('wait for it to finish');
    expect(server.requests.length - before).toBeLessThanOrEqual(4);
    const done = await first;
    server.setHandler(pipelineHandler);
    expect(done.exitCode).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('a lock whose process is gone (killed) is taken over with a warning', async () => {
    const folder = project();
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeLock(folder, {
      pid: dead,
      host: hostname(),
      startedAt: '2026-01-01T00:00:00.000Z',
      command: 'deliberate run',
    });
    const run = await runCli(['run'], { cwd: folder });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain(`warning: took over a stale lock of deliberate run (pid ${dead} on ${hostname()}`);
  });

  it('a lock held on another host is not taken: the message says how to proceed', async () => {
    const folder = project();
    const file = writeLock(folder, {
      pid: 1,
      host: 'gpu-box-7',
      startedAt: '2026-01-01T00:00:00.000Z',
      command: 'deliberate run',
    });
    const run = await runCli(['run'], { cwd: folder });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('pid 1 on host gpu-box-7');
    expect(run.stderr).toContain(`if no run is active on gpu-box-7, delete ${file}`);
  });
});
