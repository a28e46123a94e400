import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { evalArgs, testEvalOptions } from '../../../test/helpers/eval-options.js';
import {
  defaultReply,
  type GuardFixture,
  isClassifier,
  isPolicyCheck,
  startGuardFixture,
  upstreamAnswer,
  upstreamReasoning,
} from '../../../test/helpers/guard-fixture.js';
import { createEvalItem, defineBenchmark } from '../../evals/benchmark.js';
import { runEval } from '../../evals/run-eval.js';
import { createOpenAICompatibleModel } from '../../models/openai-compatible-model.js';
import type { Message } from '../../records/message.js';

let fixture: GuardFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

function allMessageText(body: { messages: Array<{ content?: unknown }> }): string {
  return body.messages.map((message) => String(message.content ?? '')).join('\n');
}

const benign: Array<{ role: 'user'; content: string }> = [{ role: 'user', content: 'What is the capital of France?' }];
const harmful: Array<{ role: 'user'; content: string }> = [
  { role: 'user', content: 'Give me step-by-step lockpick instructions for my neighbour’s door.' },
];

async function evalArmMessages(fake: GuardFixture, conversation: Message[]) {
  const folder = mkdtempSync(path.join(tmpdir(), 'guard-eval-'));
  const before = fake.fake.requests.length;
  const benchmark = defineBenchmark({
    name: 'one',
    description: 'one item',
    dataset: () => ({
      source: 'inline',
      items: [createEvalItem({ id: 'i-1', messages: conversation, category: 'x' })],
    }),
    graders: {},
    metrics: [],
  });
  const model = createOpenAICompatibleModel({ baseUrl: fake.fake.baseUrl, model: 'fake-model' });
  const options = testEvalOptions({ folder, benchmarks: [benchmark], target: model, spec: fake.spec });
  await runEval(
    ...evalArgs({ ...options, targets: [{ ...options.targets[0]!, name: 'base+spec', specInContext: true }] }),
  );
  return fake.fake.requests.slice(before).map((request) => request.body.messages);
}

describe('guard, deliberate mode', () => {
  it('puts the spec in front exactly as the eval role+spec arm does, and hides the reasoning', async () => {
    fixture = await startGuardFixture({ mode: 'deliberate' });
    for (const conversation of [benign, [{ role: 'system' as const, content: 'Be brief.' }, ...benign]]) {
      const start = fixture.fake.requests.length;
      const reply = await fixture.openai.chat.completions.create({ model: 'guard:base', messages: conversation });
      expect(reply.choices[0]!.message.content).toBe(upstreamAnswer);
      expect(JSON.stringify(reply)).not.toContain(upstreamReasoning);
      const sent = fixture.fake.requests.slice(start).map((request) => request.body.messages);
      expect(sent).toHaveLength(1);
      expect(String(sent[0]![0]!.content)).toContain(`version ${fixture.spec.version}`);
      expect(sent).toEqual(await evalArmMessages(fixture, conversation));
    }
    const [entry] = fixture.audit();
    expect(entry).toMatchObject({ decision: 'allow', mode: 'deliberate', status: 200, categorySource: 'summary-only' });
  });

  it('returns the reasoning when the client asks, by body flag or header', async () => {
    fixture = await startGuardFixture({ mode: 'deliberate' });
    const byFlag = await fixture.openai.chat.completions.create({
      model: 'guard:base',
      messages: benign,
      // @ts-expect-error the guard's own request field
      deliberate: { include_reasoning: true },
    });
    expect((byFlag.choices[0]!.message as unknown as Record<string, unknown>).reasoning_content).toBe(
      upstreamReasoning,
    );
    const byHeader = await fixture.openai.chat.completions.create(
      { model: 'guard:base', messages: benign },
      { headers: { 'x-deliberate-include-reasoning': 'true' } },
    );
    expect((byHeader.choices[0]!.message as unknown as Record<string, unknown>).reasoning_content).toBe(
      upstreamReasoning,
    );
  });

  it('streams the answer through, without reasoning unless asked; usage on request', async () => {
    fixture = await startGuardFixture({ mode: 'deliberate' });
    const stream = await fixture.openai.chat.completions.create({
      model: 'guard:base',
      messages: benign,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(upstreamAnswer);
    // The fake streams 3 characters a chunk: the guard passes them on one by one, not as one buffered block.
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(5);
    expect(JSON.stringify(chunks)).not.toContain('private');
    expect(chunks.at(-1)!.usage?.completion_tokens).toBeGreaterThan(0);
    expect(fixture.upstreamRequests()[0]!.stream).toBe(true);
  });

  it('splits inline think tags out of a streamed answer', async () => {
    fixture = await startGuardFixture({
      mode: 'deliberate',
      handler: () => ({ content: '<think>secret steps</think>\n\nThe answer.' }),
    });
    const stream = await fixture.openai.chat.completions.create({
      model: 'guard:base',
      messages: benign,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('The answer.');
  });

  it('uses the classifier role for spec(category) when there is one', async () => {
    fixture = await startGuardFixture({ mode: 'deliberate', classifier: true });
    await fixture.openai.chat.completions.create({ model: 'guard:base', messages: harmful });
    const system = String(fixture.upstreamRequests()[0]!.messages[0]!.content);
    expect(system).toContain('The full text of illicit follows');
    expect(fixture.audit()[0]).toMatchObject({ categories: ['illicit'], categorySource: 'classifier' });
  });
});

describe('guard, upstream failures', () => {
  it('turns an upstream 500 into a 502 error, not an answer, streaming or not', async () => {
    fixture = await startGuardFixture({ mode: 'deliberate', handler: () => ({ kind: 'status', status: 500 }) });
    const error = await fixture.openai.chat.completions
      .create({ model: 'guard:base', messages: benign })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_error');
    const streamed = await fixture.openai.chat.completions
      .create({ model: 'guard:base', messages: benign, stream: true })
      .catch((e) => e);
    expect(streamed.status).toBe(502);
    expect(fixture.audit().map((entry) => entry.decision)).toEqual(['upstream-error', 'upstream-error']);
    const metrics = await (await fetch(`${fixture.url}/metrics`)).text();
    expect(metrics).toContain('deliberate_guard_upstream_failures_total{outcome="transport-failure"} 2');
  });

  it('ends a stream that broke mid-way with an error event', async () => {
    fixture = await startGuardFixture({
      mode: 'deliberate',
      handler: () => ({ kind: 'stream-error', content: 'Hal' }),
    });
    const stream = await fixture.openai.chat.completions.create({
      model: 'guard:base',
      messages: benign,
      stream: true,
    });
    const read = async () => {
      for await (const _chunk of stream) {
        /* drain */
      }
    };
    await expect(read()).rejects.toThrow(/upstream model \(role base\) failed/);
  });
});

describe('guard, moderate mode', () => {
  it('blocks a harmful request before the upstream, with the rule id in the header and the audit log', async () => {
    fixture = await startGuardFixture({ mode: 'moderate' });
    const { data, response } = await fixture.openai.chat.completions
      .create({ model: 'guard:base', messages: harmful })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe("Sorry, I can't help with that.");
    expect(data.choices[0]!.finish_reason).toBe('content_filter');
    expect(response.headers.get('x-deliberate-guard-decision')).toBe('block');
    expect(response.headers.get('x-deliberate-guard-rules')).toBe('illicit.K3');
    expect(response.headers.get('x-deliberate-guard-categories')).toBe('illicit');
    expect(fixture.upstreamRequests()).toHaveLength(0);
    const [entry] = fixture.audit();
    expect(entry).toMatchObject({ decision: 'block', ruleIds: ['illicit.K3'], decisionCategories: ['illicit'] });
    expect(entry!.requestId).toBe(response.headers.get('x-deliberate-guard-request-id'));
  });

  it('passes a benign request unchanged (no spec added) and checks the answer', async () => {
    fixture = await startGuardFixture({ mode: 'moderate' });
    const { data, response } = await fixture.openai.chat.completions
      .create({ model: 'guard:base', messages: benign })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe(upstreamAnswer);
    expect(response.headers.get('x-deliberate-guard-decision')).toBe('allow');
    expect(fixture.upstreamRequests()[0]!.messages).toEqual(benign);
    expect(fixture.audit()[0]!.checks.map((check) => check.stage)).toEqual(['input', 'output']);
  });

  it('replaces an answer that breaks the spec with the refusal', async () => {
    fixture = await startGuardFixture({
      mode: 'moderate',
      handler: (body) => (isPolicyCheck(body) ? defaultReply(body) : { content: 'Here you go: BAD-ANSWER' }),
    });
    const reply = await fixture.openai.chat.completions.create({ model: 'guard:base', messages: benign });
    expect(reply.choices[0]!.message.content).toBe("Sorry, I can't help with that.");
    expect(fixture.audit()[0]).toMatchObject({ decision: 'block', ruleIds: ['illicit.K3'] });
  });

  it('streams and ends with a refusal chunk when configured to stream', async () => {
    fixture = await startGuardFixture({
      mode: 'moderate',
      settings: { streaming: 'stream' },
      handler: (body) => (isPolicyCheck(body) ? defaultReply(body) : { content: 'Here you go: BAD-ANSWER' }),
    });
    const stream = await fixture.openai.chat.completions.create({
      model: 'guard:base',
      messages: benign,
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe("Here you go: BAD-ANSWER\n\nSorry, I can't help with that.");
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('content_filter');
    expect((chunks.at(-1) as unknown as { deliberate_guard: { decision: string } }).deliberate_guard.decision).toBe(
      'block',
    );
  });

  it('buffers a streaming answer by default and sends it only once checked', async () => {
    fixture = await startGuardFixture({
      mode: 'moderate',
      handler: (body) => (isPolicyCheck(body) ? defaultReply(body) : { content: 'Here you go: BAD-ANSWER' }),
    });
    const stream = await fixture.openai.chat.completions.create({
      model: 'guard:base',
      messages: benign,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe("Sorry, I can't help with that.");
  });

  it('fails closed with moderation_unavailable when the check cannot run, counted in /metrics', async () => {
    fixture = await startGuardFixture({
      mode: 'moderate',
      handler: (body) => (isPolicyCheck(body) ? { kind: 'status', status: 500 } : defaultReply(body)),
    });
    const error = await fixture.openai.chat.completions
      .create({ model: 'guard:base', messages: benign })
      .catch((e) => e);
    expect(error.status).toBe(503);
    expect(error.code).toBe('moderation_unavailable');
    expect(error.headers.get('x-deliberate-guard-decision')).toBe('moderation-unavailable');
    expect(fixture.upstreamRequests()).toHaveLength(0);
    const metrics = await (await fetch(`${fixture.url}/metrics`)).text();
    expect(metrics).toContain('deliberate_guard_moderation_failures_total{stage="input",policy="fail-closed"} 1');
  });

  it('fails closed with moderation_unavailable naming the role when the classifier is down, through its grader client', async () => {
    for (const mode of ['moderate', 'deliberate'] as const) {
      fixture = await startGuardFixture({
        mode,
        classifier: true,
        handler: (body) => (isClassifier(body) ? { kind: 'status', status: 500 } : defaultReply(body)),
      });
      const error = await fixture.openai.chat.completions
        .create({ model: 'guard:base', messages: benign })
        .catch((e) => e);
      expect(error.status).toBe(503);
      expect(error.code).toBe('moderation_unavailable');
      expect(error.message).toContain("the guard's classifier (role classifier) could not run");
      expect(error.headers.get('x-deliberate-guard-decision')).toBe('moderation-unavailable');
      expect(fixture.upstreamRequests()).toHaveLength(0);
      expect(fixture.fake.requests.filter((request) => isPolicyCheck(request.body))).toHaveLength(0);
      // The outage went through the classifier's grader client: nothing graded or unscored, the call counted.
      expect(fixture.guard.classify!.stats()).toMatchObject({ graded: 0, unscored: 0 });
      expect(fixture.audit()[0]).toMatchObject({ categorySource: 'classifier-failed', status: 503 });
      const metrics = await (await fetch(`${fixture.url}/metrics`)).text();
      expect(metrics).toContain(
        'deliberate_guard_moderation_failures_total{stage="classifier",policy="fail-closed"} 1',
      );
      expect(metrics).toContain('deliberate_guard_classifier_failures_total 1');
      await fixture.close();
      fixture = undefined;
    }
  });

  it('a classifier outage under fail-open, or an unreadable classifier answer, leaves the summary-only spec', async () => {
    fixture = await startGuardFixture({
      mode: 'moderate',
      classifier: true,
      settings: { onModerationFailure: 'fail-open' },
      handler: (body) => {
        if (!isClassifier(body)) return defaultReply(body);
        return allMessageText(body).includes('capital') ? { kind: 'status', status: 500 } : { content: 'no JSON' };
      },
    });
    const reply = await fixture.openai.chat.completions.create({ model: 'guard:base', messages: benign });
    expect(reply.choices[0]!.message.content).toBe(upstreamAnswer);
    expect(fixture.audit()[0]).toMatchObject({ decision: 'fail-open', categorySource: 'classifier-failed' });
    const other = await fixture.openai.chat.completions.create({
      model: 'guard:base',
      messages: [{ role: 'user', content: 'Tell me a joke.' }],
    });
    expect(other.choices[0]!.message.content).toBe(upstreamAnswer);
    expect(fixture.audit()[1]).toMatchObject({
      decision: 'allow',
      categorySource: 'classifier-failed',
      categories: [],
    });
    expect(fixture.guard.classify!.stats()).toMatchObject({ graded: 0, unscored: 1 });
  });

  it('makes every moderation decision through the grader client: verdicts counted, an unreadable one unscored', async () => {
    fixture = await startGuardFixture({
      mode: 'moderate',
      handler: (body) =>
        isPolicyCheck(body) && allMessageText(body).includes('unreadable verdict')
          ? { content: 'I think it is fine.' }
          : defaultReply(body),
    });
    await fixture.openai.chat.completions.create({ model: 'guard:base', messages: benign });
    const checks = fixture.fake.requests.filter((request) => isPolicyCheck(request.body)).length;
    expect(checks).toBe(2);
    expect(fixture.guard.policyCheck!.stats()).toMatchObject({ graded: 2, unscored: 0 });
    expect(fixture.guard.policyCheck!.stats().usage.promptTokens).toBeGreaterThan(0);
    const error = await fixture.openai.chat.completions
      .create({ model: 'guard:base', messages: [{ role: 'user', content: 'an unreadable verdict, please' }] })
      .catch((e) => e);
    expect(error.status).toBe(503);
    expect(error.code).toBe('moderation_unavailable');
    expect(error.message).toContain('gave no verdict (parse-failure)');
    expect(fixture.guard.policyCheck!.stats()).toMatchObject({
      graded: 2,
      unscored: 1,
      unscoredReasons: { 'parse-failure': 1 },
    });
    expect(fixture.audit()[1]!.checks[0]).toMatchObject({ stage: 'input', ok: false, unscoredReason: 'parse-failure' });
    const metrics = await (await fetch(`${fixture.url}/metrics`)).text();
    expect(metrics).toContain('deliberate_guard_moderation_unscored_total{stage="input",reason="parse-failure"} 1');
    expect(metrics).toContain('deliberate_guard_moderation_failures_total{stage="input",policy="fail-closed"} 1');
  });

  it('passes the request under fail-open, and says so', async () => {
    fixture = await startGuardFixture({
      mode: 'moderate',
      settings: { onModerationFailure: 'fail-open' },
      handler: (body) => (isPolicyCheck(body) ? { kind: 'status', status: 500 } : defaultReply(body)),
    });
    const { data, response } = await fixture.openai.chat.completions
      .create({ model: 'guard:base', messages: benign })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe(upstreamAnswer);
    expect(response.headers.get('x-deliberate-guard-decision')).toBe('fail-open');
  });

  it('only logs in dry-run', async () => {
    fixture = await startGuardFixture({ mode: 'moderate', dryRun: true });
    const { data, response } = await fixture.openai.chat.completions
      .create({ model: 'guard:base', messages: harmful })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe(upstreamAnswer);
    expect(response.headers.get('x-deliberate-guard-decision')).toBe('would-block');
    expect(fixture.audit()[0]).toMatchObject({ decision: 'would-block', dryRun: true, ruleIds: ['illicit.K3'] });
  });

  it('applies per-category actions: log-only passes, safe-complete asks the upstream for a safe completion', async () => {
    fixture = await startGuardFixture({ mode: 'moderate', settings: { categoryActions: { illicit: 'log-only' } } });
    const logged = await fixture.openai.chat.completions.create({ model: 'guard:base', messages: harmful });
    expect(logged.choices[0]!.message.content).toBe(upstreamAnswer);
    await fixture.close();
    fixture = await startGuardFixture({
      mode: 'moderate',
      settings: { categoryActions: { illicit: 'safe-complete' } },
    });
    const safe = await fixture.openai.chat.completions.create({ model: 'guard:base', messages: harmful });
    expect(safe.choices[0]!.message.content).toBe(upstreamAnswer);
    const system = String(fixture.upstreamRequests()[0]!.messages[0]!.content);
    expect(system).toContain('would break illicit.K3');
    expect(fixture.audit()[0]!.decision).toBe('safe-complete');
  });

  it('answers a violation with HTTP 403 policy_violation when configured', async () => {
    fixture = await startGuardFixture({ mode: 'moderate', settings: { onViolation: 'http-error' } });
    const error = await fixture.openai.chat.completions
      .create({ model: 'guard:base', messages: harmful })
      .catch((e) => e);
    expect(error.status).toBe(403);
    expect(error.code).toBe('policy_violation');
    expect(error.message).toContain('illicit.K3');
  });

  it('keeps only hashes in the audit log with content: hashed, and no rationale', async () => {
    fixture = await startGuardFixture({ mode: 'moderate', settings: { audit: { content: 'hashed' } } });
    await fixture.openai.chat.completions.create({ model: 'guard:base', messages: harmful });
    const [entry] = fixture.audit();
    expect(entry!.content.mode).toBe('hashed');
    expect(JSON.stringify(entry)).not.toContain('lockpick');
    expect(JSON.stringify(entry)).not.toContain('instructions for wrongdoing');
  });
});

describe('guard, both mode', () => {
  it('checks the request and puts the spec in front', async () => {
    fixture = await startGuardFixture({ mode: 'both' });
    await fixture.openai.chat.completions.create({ model: 'guard:base', messages: benign });
    expect(String(fixture.upstreamRequests()[0]!.messages[0]!.content)).toContain(`version ${fixture.spec.version}`);
    const blocked = await fixture.openai.chat.completions.create({ model: 'guard:base', messages: harmful });
    expect(blocked.choices[0]!.message.content).toBe("Sorry, I can't help with that.");
    expect(fixture.upstreamRequests()).toHaveLength(1);
  });
});

describe('guard, HTTP surface', () => {
  it('wants the bearer token when started with one; /health stays open; lists its model', async () => {
    fixture = await startGuardFixture({ mode: 'deliberate', token: 's3cret' });
    const wrong = new OpenAI({ baseURL: `${fixture.url}/v1`, apiKey: 'nope', maxRetries: 0 });
    const error = await wrong.chat.completions.create({ model: 'guard:base', messages: benign }).catch((e) => e);
    expect(error.status).toBe(401);
    expect((await fetch(`${fixture.url}/health`)).status).toBe(200);
    expect((await fetch(`${fixture.url}/metrics`)).status).toBe(401);
    const models = await fixture.openai.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['guard:base']);
  });

  it('refuses bodies over the cap with 413, and unsupported fields with 400', async () => {
    fixture = await startGuardFixture({ mode: 'deliberate', settings: { maxBodyBytes: 2000 } });
    const big = await fixture.openai.chat.completions
      .create({ model: 'guard:base', messages: [{ role: 'user', content: 'x'.repeat(3000) }] })
      .catch((e) => e);
    expect(big.status).toBe(413);
    const tools = await fixture.openai.chat.completions
      .create({
        model: 'guard:base',
        messages: benign,
        tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
      })
      .catch((e) => e);
    expect(tools.status).toBe(400);
    expect(tools.message).toContain('"tools"');
  });
});
