import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createModelClient } from '../models/generate.js';
import { scriptedModel } from './scripted-model.js';

describe('scriptedModel', () => {
  it('answers from a list (the last repeats) and records calls', async () => {
    const model = scriptedModel(['one', 'two']);
    const client = createModelClient(model);
    const answers = [];
    for (let index = 0; index < 3; index++) {
      const outcome = await client.generate({ messages: [{ role: 'user', content: `q${index}` }] });
      answers.push(outcome.ok ? outcome.result.answer : outcome.kind);
    }
    expect(answers).toEqual(['one', 'two', 'two']);
    expect(model.calls.map((call) => call.messages[0]!.content)).toEqual(['q0', 'q1', 'q2']);
  });

  it('answers from a function, plays typed outcomes and structured output', async () => {
    const model = scriptedModel((request, index) => {
      if (request.responseSchema) return '{"ok":true}';
      if (index === 0) return { answer: '', reasoning: 'long', finishReason: 'length' };
      return new Error('connection reset');
    });
    const client = createModelClient(model);
    const ask = { messages: [{ role: 'user' as const, content: 'q' }] };
    expect(await client.generate(ask)).toMatchObject({ ok: false, kind: 'no-answer' });
    expect(await client.generate(ask)).toMatchObject({ ok: false, kind: 'transport-failure' });
    expect(await client.generateObject(ask, z.object({ ok: z.boolean() }), 'x')).toMatchObject({
      object: { ok: true },
    });
  });

  it('honours the abort signal, so timeouts work on scripted models', async () => {
    const model = scriptedModel(() => new Promise<string>(() => {}));
    const client = createModelClient(model, { timeoutMs: 20, maxRetries: 1, retryBaseDelayMs: 1 });
    const outcome = await client.generate({ messages: [{ role: 'user', content: 'q' }] });
    expect(outcome).toMatchObject({ ok: false, kind: 'transport-failure', attempts: 2 });
    if (!outcome.ok) expect(outcome.message).toMatch(/within 20 ms/);
  });
});
