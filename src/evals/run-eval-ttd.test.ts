/**
 * The `+ttd` arm against a fake OpenAI-compatible server: draft → check → revise requests in order, every call's
 * tokens on the result and in the log, passes, and a failure mid-way as the case's typed outcome.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evalArgs, testEvalOptions } from '../../test/helpers/eval-options.js';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../test/helpers/fake-openai-server.js';
import { type TtdFakeOptions, ttdFakeHandler, ttdStepOf } from '../../test/helpers/ttd-fake.js';
import { createModelClient } from '../models/generate.js';
import { createOpenAICompatibleModel } from '../models/openai-compatible-model.js';
import type { Spec } from '../records/spec.js';
import { loadSpec } from '../spec/load-spec.js';
import { specInContextText } from '../spec/spec-in-context.js';
import { scriptedModel } from '../testing/scripted-model.js';
import { gsm8k } from './benchmarks/gsm8k.js';
import { parseArm } from './parse-arm.js';
import { runEval } from './run-eval.js';

let spec: Spec;
beforeAll(async () => {
  spec = await loadSpec(new URL('../spec/__fixtures__/tiny-spec/', import.meta.url).pathname);
});

let folder: string;
let server: FakeOpenAIServer | undefined;
beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'deliberate-ttd-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(folder, { recursive: true, force: true });
});

async function runArms(names: string[], fake: TtdFakeOptions) {
  server = await startFakeOpenAIServer(ttdFakeHandler(fake));
  const file = path.join(folder, 'gsm8k.jsonl');
  writeFileSync(file, `${JSON.stringify({ question: 'What is 2 + 2?', answer: '#### 4' })}\n`);
  const client = createModelClient(createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'qwen' }), {
    maxRetries: 0,
  });
  const options = testEvalOptions({ folder, benchmarks: [gsm8k], target: scriptedModel(['unused']), spec });
  options.dataPaths = { gsm8k: file };
  options.concurrency = 1;
  options.targets = names.map((name) => ({ ...parseArm(name), client }));
  return runEval(...evalArgs(options));
}

const steps = () => server!.requests.map((request) => ttdStepOf(request.body));

describe('the +ttd arm', () => {
  it('sends draft → check → revise in order, with spec(category) in the draft, and counts every call', async () => {
    const { log } = await runArms(['qwen', 'qwen+ttd'], { checks: [['style.comply']] });
    // The plain arm's one request, then the deliberating arm's three.
    expect(steps()).toEqual(['draft', 'draft', 'check', 'revise']);
    const summary = specInContextText(spec, []);
    expect(server!.requests[0]!.body.messages.map((message) => message.content).join('\n')).not.toContain(summary);
    expect(String(server!.requests[1]!.body.messages[0]!.content)).toContain(summary);
    const ttd = log.benchmarks[0]!.results.find((result) => result.arm === 'qwen+ttd')!;
    expect(ttd.response?.answer).toBe('REVISED-1');
    expect(ttd.deliberation).toEqual({ calls: 3, rounds: [['style.comply']] });
    // draft 100+10, check 200+20, revise 300+30.
    expect(ttd.usage).toMatchObject({ promptTokens: 600, completionTokens: 60 });
    const plain = log.benchmarks[0]!.results.find((result) => result.arm === 'qwen')!;
    expect(plain.usage).toMatchObject({ promptTokens: 100, completionTokens: 10 });
    expect(log.usage.target).toMatchObject({ promptTokens: 700, completionTokens: 70 });
    expect(log.arms.find((arm) => arm.name === 'qwen+ttd')!.deliberation).toEqual({
      passes: 1,
      version: 'deliberate-ttd@1',
    });
  });

  it('sends no revision when the check finds nothing', async () => {
    const { log } = await runArms(['qwen+ttd'], { checks: [[]] });
    expect(steps()).toEqual(['draft', 'check']);
    const result = log.benchmarks[0]!.results[0]!;
    expect(result).toMatchObject({ response: { answer: 'DRAFT' }, deliberation: { calls: 2, rounds: [[]] } });
    expect(result.usage).toMatchObject({ promptTokens: 300, completionTokens: 30 });
  });

  it('@passes=2 runs two check rounds when the first revision still breaks a rule', async () => {
    const { log } = await runArms(['qwen+ttd@passes=2'], { checks: [['style.comply'], ['style.refuse']] });
    expect(steps()).toEqual(['draft', 'check', 'revise', 'check', 'revise']);
    const result = log.benchmarks[0]!.results[0]!;
    expect(result.deliberation).toEqual({ calls: 5, rounds: [['style.comply'], ['style.refuse']] });
    expect(result.usage).toMatchObject({ promptTokens: 1100, completionTokens: 110 });
  });

  it('a check that fails mid-way is the case outcome (typed, with its tokens), not the draft', async () => {
    const { log } = await runArms(['qwen+ttd'], { checks: [], override: { 1: { kind: 'status', status: 500 } } });
    const result = log.benchmarks[0]!.results[0]!;
    expect(result.outcome.kind).toBe('transport-failure');
    expect(result.outcome.message).toMatch(/test-time deliberation, check call/);
    expect(result.response).toBeNull();
    expect(result.grades).toEqual({});
    expect(result.deliberation).toEqual({ calls: 2, rounds: [], failedStep: 'check' });
    expect(result.usage).toMatchObject({ promptTokens: 100, completionTokens: 10 });
  });

  it('needs the spec', async () => {
    const options = testEvalOptions({ folder, benchmarks: [gsm8k], target: scriptedModel(['unused']) });
    options.targets = [{ ...parseArm('qwen+ttd'), client: createModelClient(scriptedModel(['x'])) }];
    await expect(runEval(...evalArgs(options))).rejects.toThrow(/target "qwen\+ttd" needs the spec/);
  });
});
