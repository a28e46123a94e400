/**
 * Spec edits re-run only what they change (issue 13 item 2) and a run says so before it pays (issue 8 item 8): a
 * request depends on the spec text it sends, not on a whole-spec hash; `--dry-run` sends nothing; the exports of
 * the previous spec are kept under history/.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { fixturePrompts, pipelineHandler, writeProject } from './pipeline-fixture.js';

let server: FakeOpenAIServer;
let folder: string;
beforeAll(async () => {
  server = await startFakeOpenAIServer(pipelineHandler);
  folder = mkdtempSync(path.join(tmpdir(), 'deliberate-spec-edit-'));
  const prompts = fixturePrompts.filter((prompt) => ['locks', 'neighbour', 'sad'].includes(prompt.id));
  writeProject(folder, { baseUrl: server.baseUrl, prompts });
});
afterAll(async () => {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

const count = (model: string, from: number) =>
  server.requests.slice(from).filter((request) => request.body.model === model).length;

describe('editing one rule of one category', () => {
  it('re-sends only that category’s units, says so first, keeps the previous exports; --dry-run sends nothing', async () => {
    expect((await runCli(['run'], { cwd: folder })).exitCode).toBe(0);
    const firstManifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    const categoryFile = path.join(folder, 'spec', 'categories', 'self-harm.md');
    writeFileSync(
      categoryFile,
      readFileSync(categoryFile, 'utf8').replace(
        'respond with a safe completion.',
        'respond with a warm, safe completion.',
      ),
    );

    const before = server.requests.length;
    const dry = await runCli(['run', '--dry-run'], { cwd: folder });
    expect(dry.exitCode).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(dry.stdout).toContain('generation units and');
    expect(dry.stdout).toMatch(/plan teacher: 2 requests, about \d+ tokens in, up to 16000 out, est\. cost up to/);
    expect(dry.stdout).toContain('dry run: nothing was sent');

    const run = await runCli(['run'], { cwd: folder });
    expect(run.exitCode).toBe(0);
    // Only the self-harm prompt's 2 samples and their judge runs: not all 6 samples and 18 judge runs.
    expect(run.stderr).toMatch(
      /spec changed: \w{12} → \w{12} \(categories: self-harm\): 2 of 6 generation units and 2 judge units are stale/,
    );
    expect(count('fake-teacher', before)).toBe(2);
    expect(count('fake-judge', before)).toBeLessThanOrEqual(2 * 3);
    expect(count('fake-judge', before)).toBeGreaterThan(0);
    const kept = path.join(folder, 'out', 'history', firstManifest.spec.hash.slice(0, 12));
    expect(existsSync(path.join(kept, 'sft.jsonl'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(kept, 'manifest.json'), 'utf8')).spec.hash).toBe(firstManifest.spec.hash);
  });
});
