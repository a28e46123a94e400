/**
 * The guard's revise mode against a fake upstream: draft → check → revise (the eval's +ttd arm's function and
 * requests), buffered for streaming clients, every call's tokens in the reply's usage, and a failure mid-way as an
 * HTTP error, never the unchecked draft.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evalArgs, testEvalOptions } from '../../../test/helpers/eval-options.js';
import { type GuardFixture, startGuardFixture } from '../../../test/helpers/guard-fixture.js';
import { type TtdFakeOptions, ttdFakeHandler, ttdStepOf } from '../../../test/helpers/ttd-fake.js';
import { createEvalItem, defineBenchmark } from '../../evals/benchmark.js';
import { parseArm } from '../../evals/parse-arm.js';
import { runEval } from '../../evals/run-eval.js';
import { createModelClient } from '../../models/generate.js';
import { createOpenAICompatibleModel } from '../../models/openai-compatible-model.js';

let fixture: GuardFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const messages = [{ role: 'user' as const, content: 'What is the capital of France?' }];

async function reviseGuard(fake: TtdFakeOptions, settings: Record<string, unknown> = {}) {
  fixture = await startGuardFixture({ mode: 'revise', handler: ttdFakeHandler(fake), settings });
  return fixture;
}

const steps = () => fixture!.fake.requests.map((request) => ttdStepOf(request.body));

describe('guard, revise mode', () => {
  it('drafts, checks and revises; the reply is the revision, its usage every call; the audit says what happened', async () => {
    const guard = await reviseGuard({ checks: [['style.comply']] });
    const reply = await guard.openai.chat.completions.create({ model: 'guard:base', messages });
    expect(steps()).toEqual(['draft', 'check', 'revise']);
    expect(reply.choices[0]!.message.content).toBe('REVISED-1');
    expect(reply.usage).toMatchObject({ prompt_tokens: 600, completion_tokens: 60 });
    expect(String(guard.fake.requests[0]!.body.messages[0]!.content)).toContain(`version ${guard.spec.version}`);
    const [entry] = guard.audit();
    expect(entry).toMatchObject({
      mode: 'revise',
      decision: 'allow',
      status: 200,
      deliberation: { calls: 3, rounds: [['style.comply']] },
    });
  });

  it('sends the draft when the check finds nothing, with no revision', async () => {
    const guard = await reviseGuard({ checks: [[]] });
    const reply = await guard.openai.chat.completions.create({ model: 'guard:base', messages });
    expect(steps()).toEqual(['draft', 'check']);
    expect(reply.choices[0]!.message.content).toBe('DRAFT');
    expect(guard.audit()[0]).toMatchObject({ deliberation: { calls: 2, rounds: [[]] } });
  });

  it('guard.passes = 2 checks the revision again', async () => {
    const guard = await reviseGuard({ checks: [['style.comply'], ['style.refuse']] }, { passes: 2 });
    const reply = await guard.openai.chat.completions.create({ model: 'guard:base', messages });
    expect(steps()).toEqual(['draft', 'check', 'revise', 'check', 'revise']);
    expect(reply.choices[0]!.message.content).toBe('REVISED-2');
  });

  it('buffers a streaming client: nothing streams upstream, the client gets only the final answer', async () => {
    const guard = await reviseGuard({ checks: [['style.comply']] });
    const stream = await guard.openai.chat.completions.create({ model: 'guard:base', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('REVISED-1');
    expect(guard.fake.requests.every((request) => !request.body.stream)).toBe(true);
  });

  it.each([
    ['an HTTP error', { kind: 'status' as const, status: 500 }],
    ['a refusal to check', { content: null, refusal: 'I will not review this.' }],
    ['prose instead of JSON', { content: 'looks fine' }],
  ])('a check that fails (%s) is an upstream error, never the unchecked draft', async (_, reply) => {
    // The check (request 1) and, for prose, its one repair (request 2) fail.
    const guard = await reviseGuard({ checks: [], override: { 1: reply, 2: reply } });
    const failure = await guard.openai.chat.completions
      .create({ model: 'guard:base', messages })
      .then(() => null)
      .catch((error: { status?: number; message?: string }) => error);
    expect(failure?.status).toBe(502);
    expect(failure?.message).toMatch(/test-time deliberation, check call/);
    expect(JSON.stringify(failure)).not.toContain('DRAFT');
    expect(guard.audit()[0]).toMatchObject({
      decision: 'upstream-error',
      deliberation: { failedStep: 'check' },
      content: { answer: null },
    });
  });

  it('sends the same requests as the eval arm role+ttd (one function for both)', async () => {
    const guard = await reviseGuard({ checks: [['style.comply']] });
    await guard.openai.chat.completions.create({ model: 'guard:base', messages });
    const viaGuard = guard.fake.requests.map((request) => request.body.messages);
    const before = guard.fake.requests.length;
    const benchmark = defineBenchmark({
      name: 'one',
      description: 'one item',
      // A category the spec does not have: summary-only, as the guard without a classifier.
      dataset: () => ({ source: 'inline', items: [createEvalItem({ id: 'i-1', messages, category: 'x' })] }),
      graders: {},
      metrics: [],
    });
    const folder = mkdtempSync(path.join(tmpdir(), 'guard-ttd-'));
    const model = createOpenAICompatibleModel({ baseUrl: guard.fake.baseUrl, model: 'fake-model' });
    const options = testEvalOptions({ folder, benchmarks: [benchmark], target: model, spec: guard.spec });
    const target = { ...parseArm('base+ttd'), client: createModelClient(model, { maxRetries: 0 }) };
    // The fake's scripted checks are used up: the eval's check finds nothing, so compare draft and check.
    await runEval(...evalArgs({ ...options, targets: [target] }));
    const viaEval = guard.fake.requests.slice(before).map((request) => request.body.messages);
    expect(viaEval).toEqual(viaGuard.slice(0, 2));
  });
});
