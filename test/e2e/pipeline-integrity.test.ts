/**
 * Silent-failure gaps of the pipeline: malformed reasoning never reaches the SFT file, a retried call's tokens all
 * count, and a changed judge template re-judges (without regenerating).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { fixturePrompts, pipelineHandler, repositoryRoot, teacherReply, writeProject } from './pipeline-fixture.js';

let server: FakeOpenAIServer;
const folders: string[] = [];
beforeAll(async () => {
  server = await startFakeOpenAIServer(pipelineHandler);
});
afterAll(async () => {
  await server.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const locks = fixturePrompts.filter((prompt) => prompt.id === 'locks');

function project(options: { generateLines?: string } = {}): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-integrity-'));
  folders.push(folder);
  writeProject(folder, { baseUrl: server.baseUrl, prompts: locks, ...options });
  return folder;
}

function readJsonl(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('pipeline integrity', () => {
  it('rejects completions whose reasoning came back malformed (several think blocks), and says why', async () => {
    const folder = project();
    server.setHandler((body) => {
      if (body.model !== 'fake-teacher') return pipelineHandler(body);
      return {
        content:
          '<think>No intent to do wrong is stated. illicit.K0 allows neutral information.</think>Pin tumbler locks ' +
          'use pins.<think>Wait, let me reconsider.</think>They use spring-loaded pins of different lengths.',
      };
    });
    const run = await runCli(['run', '--json'], { cwd: folder });
    server.setHandler(pipelineHandler);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).counts).toMatchObject({ generations: 2, accepted: 0, rejected: 2 });
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.counts.validation.rejected).toEqual({ 'malformed-reasoning': 2 });
    expect(manifest.events['validate:malformed-reasoning']).toBe(2);
    const samples = readJsonl(path.join(folder, 'out', 'samples.jsonl'));
    expect(samples.map((sample) => [sample.status, sample.reason])).toEqual([
      ['rejected', 'validate:malformed-reasoning'],
      ['rejected', 'validate:malformed-reasoning'],
    ]);
    expect(samples[0]!.warnings).toEqual(['several think blocks in one output (malformed)']);
    expect(readFileSync(path.join(folder, 'out', 'sft.jsonl'), 'utf8')).toBe('');
  });

  it('counts every attempt of a call in the dataset usage: a larger-budget retry adds to the first reply', async () => {
    const folder = project({ generateLines: '  maxTokens: 1000' });
    const configFile = path.join(folder, 'deliberate.yaml');
    const config = readFileSync(configFile, 'utf8');
    writeFileSync(
      configFile,
      config.replace('model: fake-teacher\n', 'model: fake-teacher\n    noAnswerRetryMaxTokens: 4000\n'),
    );
    server.setHandler((body) => {
      if (body.model !== 'fake-teacher') return pipelineHandler(body);
      const budget = Number(body.max_tokens ?? body.max_completion_tokens);
      if (budget < 4000) {
        return {
          content: '<think>illicit.K0 applies, and I keep thinking',
          finish_reason: 'length',
          usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 },
        };
      }
      return { ...teacherReply(body), usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 } };
    });
    const start = server.requests.length;
    const run = await runCli(['generate', '--json'], { cwd: folder });
    server.setHandler(pipelineHandler);
    expect(run.exitCode).toBe(0);
    expect(server.requests.length - start).toBe(4);
    expect(JSON.parse(run.stdout).counts).toMatchObject({ generations: 2, errors: 0 });
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.usage.dataset.teacher.usage).toMatchObject({ promptTokens: 2200, completionTokens: 1100 });
    expect(manifest.usage.thisRun.teacher.usage).toMatchObject({ promptTokens: 2200, completionTokens: 1100 });
  });

  it('a custom judge template (judge.template) re-judges the stored samples without regenerating them', async () => {
    const folder = project();
    server.setHandler(pipelineHandler);
    expect((await runCli(['run'], { cwd: folder })).exitCode).toBe(0);
    const judgeText = readFileSync(path.join(repositoryRoot, 'templates', 'judge.md'), 'utf8');
    const custom = judgeText
      .replace('<!-- template-id: deliberate-judge@2 -->', '<!-- template-id: house-judge -->')
      .replace('<!-- user -->', '<!-- user -->\nHOUSE RULE: be strict about style.\n');
    expect(custom).toContain('HOUSE RULE');
    writeFileSync(path.join(folder, 'house-judge.md'), custom);
    const configFile = path.join(folder, 'deliberate.yaml');
    writeFileSync(
      configFile,
      readFileSync(configFile, 'utf8').replace('judge:\n  runs:', 'judge:\n  template: house-judge.md\n  runs:'),
    );
    const before = server.requests.length;
    const rerun = await runCli(['run', '--json'], { cwd: folder });
    expect(rerun.exitCode).toBe(0);
    const added = server.requests.slice(before);
    expect(added.length).toBe(2 * 3);
    expect(added.every((request) => request.body.model === 'fake-judge')).toBe(true);
    expect(added.every((request) => JSON.stringify(request.body.messages).includes('HOUSE RULE'))).toBe(true);
    const judgements = readJsonl(path.join(folder, 'out', 'judgements.jsonl'));
    const versions = judgements.flatMap((record) =>
      (record.judgements as Array<{ judge: { promptVersion: string } }>).map(
        (judgement) => judgement.judge.promptVersion,
      ),
    );
    expect(versions.every((version) => version.startsWith('house-judge#'))).toBe(true);
    // The same template again: nothing to do.
    const after = server.requests.length;
    expect((await runCli(['run'], { cwd: folder })).exitCode).toBe(0);
    expect(server.requests.length).toBe(after);
  });

  it('stops on a judge template that cannot be read, before any model call', async () => {
    const folder = project();
    const configFile = path.join(folder, 'deliberate.yaml');
    writeFileSync(
      configFile,
      readFileSync(configFile, 'utf8').replace('judge:\n  runs:', 'judge:\n  template: missing.md\n  runs:'),
    );
    const before = server.requests.length;
    const run = await runCli(['run'], { cwd: folder });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('cannot read the judge template');
    expect(server.requests.length).toBe(before);
  });
});
