/**
 * One word for complying (issue 9): `comply`. The old `allow` is read on input — spec rules, spec examples, prompt
 * hints — with a deprecation warning naming file:line from both `spec check` and `run`; everything written says comply.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  folder = mkdtempSync(path.join(tmpdir(), 'deliberate-vocabulary-'));
  writeProject(folder, {
    baseUrl: server.baseUrl,
    prompts: fixturePrompts
      .slice(0, 2)
      .map((prompt) =>
        prompt.metadata?.idealAction === 'comply' ? { ...prompt, metadata: { idealAction: 'allow' } } : prompt,
      ),
  });
  const illicit = path.join(folder, 'spec', 'categories', 'illicit.md');
  writeFileSync(
    illicit,
    readFileSync(illicit, 'utf8').replace('action=comply', 'action=allow').replace('action: comply', 'action: allow'),
  );
});
afterAll(async () => {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Every file under `directory`, recursively. */
function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const file = path.join(directory, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

const specWarnings = [
  /categories\/illicit\.md:14:\d+: warning: action "allow" is deprecated and read as "comply": write "comply"/,
  /categories\/illicit\.md:\d+:\d+: warning: examples\[0\]\.action: action "allow" is deprecated/,
];

describe('the old action word allow', () => {
  it('spec check reads it as comply and warns at each place', async () => {
    const check = await runCli(['spec', 'check', 'spec'], { cwd: folder });
    expect(check.exitCode).toBe(0);
    for (const warning of specWarnings) expect(check.stderr).toMatch(warning);
  });

  it('run warns the same, names the prompts row, and writes comply (never allow) in records and exports', async () => {
    const run = await runCli(['run'], { cwd: folder });
    expect(run.exitCode).toBe(0);
    for (const warning of specWarnings) expect(run.stderr).toMatch(warning);
    expect(run.stderr).toContain(
      'prompts.jsonl:1: metadata.idealAction "allow" is deprecated and read as "comply": write "comply"',
    );
    const written = filesUnder(path.join(folder, 'out'))
      .filter((file) => /\.(jsonl?|md|txt)$/.test(file))
      .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
    expect(written.filter(({ text }) => /"allow"/.test(text)).map(({ file }) => file)).toEqual([]);
    const exported = written.filter(({ file }) => /sft|dataset|export/i.test(path.basename(file)));
    expect(exported.length).toBeGreaterThan(0);
    expect(written.some(({ text }) => text.includes('"idealAction":"comply"'))).toBe(true);
    expect(written.some(({ text }) => /"(expectedAction|action)":"comply"/.test(text))).toBe(true);
  });

  it('spec export (the safeguard policy) says comply', async () => {
    const policy = await runCli(['spec', 'export', 'spec', '--format', 'safeguard', '--category', 'illicit'], {
      cwd: folder,
    });
    expect(policy.exitCode).toBe(0);
    expect(policy.stdout).toContain('illicit.K0 (comply)');
    expect(policy.stdout).not.toMatch(/\ballow\b/);
    for (const warning of specWarnings) expect(policy.stderr).toMatch(warning);
  });
});
