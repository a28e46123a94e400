/**
 * Test-time deliberation through the real openai-compatible backend against a local fake server: the request
 * sequence (draft → check → revise), the summed usage, passes, and failures mid-way as typed outcomes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../test/helpers/fake-openai-server.js';
import { ttdFakeHandler, ttdStepOf } from '../../test/helpers/ttd-fake.js';
import { createModelClient } from '../models/generate.js';
import { createOpenAICompatibleModel } from '../models/openai-compatible-model.js';
import { deliberateAtTestTime } from './deliberate-at-test-time.js';

const specText = 'SPEC-TEXT: rule travel.R1 keeps to travel topics; rule travel.R2 cites sources.';
const messages = [{ role: 'user' as const, content: 'Plan me a weekend in Lisbon.' }];

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(options: Parameters<typeof ttdFakeHandler>[0]) {
  server = await startFakeOpenAIServer(ttdFakeHandler(options));
  return createModelClient(createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'fake-model' }), {
    maxRetries: 0,
  });
}

const steps = () => server!.requests.map((request) => ttdStepOf(request.body));

describe('deliberateAtTestTime', () => {
  it('drafts with the spec in context, checks, and revises when the check finds a broken rule', async () => {
    const client = await clientFor({ checks: [['travel.R2']] });
    const outcome = await deliberateAtTestTime(client, { messages, maxTokens: 512 }, specText);
    expect(steps()).toEqual(['draft', 'check', 'revise']);
    const [draft, check, revise] = server!.requests.map((request) => request.body);
    expect(draft!.messages[0]).toMatchObject({ role: 'system', content: specText });
    expect(draft!.messages.at(-1)).toMatchObject({ role: 'user', content: messages[0]!.content });
    expect(String(check!.messages[0]!.content)).toContain(specText);
    expect(String(check!.messages[1]!.content)).toContain('DRAFT');
    expect(check!.temperature).toBe(0);
    // The revision continues the draft's conversation: the draft as the assistant's turn, then what the check found.
    expect(revise!.messages.at(-2)).toMatchObject({ role: 'assistant', content: 'DRAFT' });
    expect(String(revise!.messages.at(-1)!.content)).toContain('travel.R2: breaks travel.R2');
    expect(outcome).toMatchObject({ ok: true, result: { answer: 'REVISED-1' } });
    expect(outcome.deliberation).toEqual({
      calls: 3,
      rounds: [[{ ruleId: 'travel.R2', problem: 'breaks travel.R2' }]],
    });
    // Every call's tokens: draft 100+10, check 200+20, revise 300+30.
    expect(outcome.usage).toMatchObject({ promptTokens: 600, completionTokens: 60 });
  });

  it('keeps the draft without a revision when the check finds nothing', async () => {
    const client = await clientFor({ checks: [[]] });
    const outcome = await deliberateAtTestTime(client, { messages }, specText, { passes: 3 });
    expect(steps()).toEqual(['draft', 'check']);
    expect(outcome).toMatchObject({ ok: true, result: { answer: 'DRAFT' }, deliberation: { calls: 2, rounds: [[]] } });
    expect(outcome.usage).toMatchObject({ promptTokens: 300, completionTokens: 30 });
  });

  it('passes=2 checks the revision again and revises a second time when it still breaks a rule', async () => {
    const client = await clientFor({ checks: [['travel.R1'], ['travel.R2']] });
    const outcome = await deliberateAtTestTime(client, { messages }, specText, { passes: 2 });
    expect(steps()).toEqual(['draft', 'check', 'revise', 'check', 'revise']);
    // The second check reviews the first revision, not the draft.
    expect(String(server!.requests[3]!.body.messages[1]!.content)).toContain('REVISED-1');
    expect(outcome).toMatchObject({ ok: true, result: { answer: 'REVISED-2' }, deliberation: { calls: 5 } });
    expect(outcome.usage).toMatchObject({ promptTokens: 1100, completionTokens: 110 });
  });

  it('passes=2 stops after the second check when the revision keeps every rule', async () => {
    const client = await clientFor({ checks: [['travel.R1'], []] });
    const outcome = await deliberateAtTestTime(client, { messages }, specText, { passes: 2 });
    expect(steps()).toEqual(['draft', 'check', 'revise', 'check']);
    expect(outcome).toMatchObject({ ok: true, result: { answer: 'REVISED-1' } });
  });

  it('a check that fails is a typed failure naming the step, without the draft or the check text as result', async () => {
    const client = await clientFor({ checks: [], override: { 1: { kind: 'status', status: 500 } } });
    const outcome = await deliberateAtTestTime(client, { messages }, specText);
    expect(steps()).toEqual(['draft', 'check']);
    expect(outcome).toMatchObject({ ok: false, kind: 'transport-failure', deliberation: { failedStep: 'check' } });
    expect(outcome.ok ? '' : outcome.message).toMatch(/^test-time deliberation, check call \(call 2\)/);
    expect(outcome.result).toBeUndefined();
    expect(outcome.usage).toMatchObject({ promptTokens: 100, completionTokens: 10 });
  });

  it('a check answered off-schema is a schema-failure, not an empty list of violations', async () => {
    // The check and its one repair both answer in prose.
    const prose = { content: 'looks fine to me' };
    const client = await clientFor({ checks: [], override: { 1: prose, 2: prose } });
    const outcome = await deliberateAtTestTime(client, { messages }, specText);
    expect(outcome).toMatchObject({ ok: false, kind: 'schema-failure', deliberation: { failedStep: 'check' } });
    expect(outcome.result).toBeUndefined();
  });

  it('a revision that fails is a failure, never the unrevised draft', async () => {
    const client = await clientFor({ checks: [['travel.R1']], override: { 2: { kind: 'status', status: 503 } } });
    const outcome = await deliberateAtTestTime(client, { messages }, specText);
    expect(steps()).toEqual(['draft', 'check', 'revise']);
    expect(outcome).toMatchObject({ ok: false, kind: 'transport-failure', deliberation: { failedStep: 'revise' } });
    expect(outcome.result?.answer).not.toBe('DRAFT');
  });

  it('rejects passes below 1', async () => {
    const client = await clientFor({ checks: [] });
    await expect(deliberateAtTestTime(client, { messages }, specText, { passes: 0 })).rejects.toThrow(/passes/);
    expect(server!.requests).toHaveLength(0);
  });
});
