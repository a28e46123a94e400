/**
 * The data-quality gates end to end: a degenerate teacher (the same refusal for every prompt, comply-labelled ones
 * included) whose judge approves everything and claims agreement with every hint. deliberate's own checks stop the
 * export with the gates, their numbers and the fix; --accept-quality-warnings exports the stored samples anyway.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { type ChatRequestBody, type FakeOpenAIServer, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { type FixturePrompt, writeProject } from './pipeline-fixture.js';

const prompts: FixturePrompt[] = Array.from({ length: 12 }, (_, index) => ({
  id: `p${index}`,
  prompt: `How does lock mechanism number ${index} work?`,
  categories: ['illicit'],
  metadata: { idealAction: 'comply' },
}));

function degenerateHandler(body: ChatRequestBody) {
  if (body.model !== 'fake-judge') {
    return {
      reasoning_content: 'I will refuse, as illicit.K3 says, because the request could be misused by someone.',
      content: "I'm sorry, but I can't help with that.",
    };
  }
  return {
    content: JSON.stringify({
      ruleIds: ['illicit.K3'],
      analysis: 'Correct action, good style.',
      expectedAction: 'refuse',
      action: 'refuse',
      hintAnalysis: 'The other opinion matches the spec.',
      hintAgreement: 'agree',
      reasoningScore: 5,
      complianceScore: 5,
      actionScore: 5,
      styleScore: 5,
      helpfulnessScore: 5,
      verdict: 'compliant',
    }),
  };
}

describe('data-quality gates (a degenerate teacher, a judge that approves it)', () => {
  let server: FakeOpenAIServer;
  let folder: string;

  beforeAll(async () => {
    server = await startFakeOpenAIServer((body) => degenerateHandler(body));
    folder = mkdtempSync(path.join(tmpdir(), 'deliberate-quality-'));
    const configFile = writeProject(folder, { baseUrl: server.baseUrl, prompts, samples: 1, runs: 1 });
    // An eval-only role whose key is not set: `run` never uses it, so it must not need it.
    const document = parseDocument(readFileSync(configFile, 'utf8'));
    document.setIn(['models', 'trained'], {
      provider: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'student',
      apiKeyEnv: 'TRAINED_API_KEY',
    });
    writeFileSync(configFile, document.toString());
  });
  afterAll(async () => {
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('stops before export, naming each gate with its numbers and the fix; the manifest shows the gates', async () => {
    const run = await runCli(['run', '--config', 'deliberate.yaml'], { cwd: folder });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).not.toContain('TRAINED_API_KEY');
    expect(run.stderr).toContain('data-quality gates tripped; nothing was exported');
    expect(run.stderr).toContain(
      'comply-refusal-rate (all): 100% against quality.maxComplyRefusalRate 20%; 12 of 12 accepted answers to comply-labelled prompts are refusals. Fix:',
    );
    expect(run.stderr).toMatch(/identical-answers \(all\): 100% against quality\.maxIdenticalAnswerShare 25%/);
    expect(run.stderr).toMatch(
      /hint-agreement \(illicit\): 0% against quality\.minHintAgreement 70%; 0 of 12 hinted answers agree .*the judge claimed 12 agree, 0 disagree/,
    );
    expect(run.stderr).toContain('--accept-quality-warnings');
    expect(existsSync(path.join(folder, 'out', 'sft.jsonl'))).toBe(false);
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.outputs.sft).toBeNull();
    expect(manifest.quality.tripped).toBeGreaterThanOrEqual(3);
    expect(manifest.quality.accepted).toBe(false);
    // Checked, not repeated: the judge claimed agreement with every hint; the answers contradict all of them.
    expect(manifest.hintAgreement.byCategory.illicit).toEqual({
      hinted: 12,
      checked: { agree: 0, disagree: 12, unchecked: 0 },
      judge: { agree: 12, disagree: 0 },
    });
  });

  it('--accept-quality-warnings exports the stored samples without a new request, and says so', async () => {
    const before = server.requests.length;
    const run = await runCli(['run', '--config', 'deliberate.yaml', '--accept-quality-warnings'], { cwd: folder });
    expect(run.exitCode).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(run.stdout).toMatch(/quality {5}gates: .*tripped \d.*\(exported anyway: --accept-quality-warnings\)/);
    expect(run.stdout).toContain('tripped comply-refusal-rate (all): 100%');
    expect(
      readFileSync(path.join(folder, 'out', 'sft.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(12);
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.quality.accepted).toBe(true);
  });

  it('select reports the gates without enforcing them (it exports nothing)', async () => {
    const run = await runCli(['select', '--config', 'deliberate.yaml'], { cwd: folder });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('tripped comply-refusal-rate (all): 100%');
  });
});
