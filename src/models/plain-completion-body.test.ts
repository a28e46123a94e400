import { describe, expect, it } from 'vitest';
import { CompletionBody } from './openai-completion-body.js';
import { plainCompletionBody } from './plain-completion-body.js';

const reply = {
  id: 'x',
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', reasoning_content: 'R' }, finish_reason: 'stop' }],
  usage: {
    prompt_tokens: 3,
    completion_tokens: 2,
    prompt_tokens_details: { cached_tokens: 1 },
    completion_tokens_details: { reasoning_tokens: null },
  },
};
const withChoice = (choice: unknown) => ({ ...reply, choices: [choice] });
const withUsage = (usage: unknown) => ({ ...reply, usage });

describe('plainCompletionBody', () => {
  it('accepts the usual replies itself, so the schema is not run on them', () => {
    expect(plainCompletionBody(reply)).toBe(reply);
    const bare = { choices: [{ message: { content: null, refusal: 'No.' } }] };
    expect(plainCompletionBody(bare)).toBe(bare);
  });

  it('accepts a body exactly when the completion schema does', () => {
    const bodies: unknown[] = [
      reply,
      { choices: [{ message: {} }], usage: null },
      { choices: [{ message: { content: 'a' }, finish_reason: null }, { message: { thinking: 't' } }] },
      withUsage(undefined),
      withUsage({}),
      withUsage({ prompt_tokens: 1.5, extra: 'x' }),
      withUsage({ prompt_tokens_details: null, completion_tokens_details: {} }),
      // Rejected by both:
      null,
      [],
      'text',
      {},
      { choices: [] },
      { choices: {} },
      { choices: [null] },
      { choices: [[]] },
      withChoice({ finish_reason: 'stop' }),
      withChoice({ message: null }),
      withChoice({ message: [] }),
      withChoice({ message: { content: 1 } }),
      withChoice({ message: { reasoning: {} } }),
      withChoice({ message: { reasoning_content: false } }),
      withChoice({ message: { thinking: [] } }),
      withChoice({ message: { refusal: 0 } }),
      withChoice({ message: {}, finish_reason: 7 }),
      { choices: [{ message: {} }, { message: 'x' }] },
      withUsage('none'),
      withUsage([]),
      withUsage({ prompt_tokens: '3' }),
      withUsage({ completion_tokens: Number.POSITIVE_INFINITY }),
      withUsage({ completion_tokens: Number.NaN }),
      withUsage({ prompt_tokens_details: { cached_tokens: '1' } }),
      withUsage({ prompt_tokens_details: 5 }),
      withUsage({ completion_tokens_details: { reasoning_tokens: true } }),
      withUsage({ completion_tokens_details: [] }),
    ];
    for (const body of bodies) {
      expect([body, plainCompletionBody(body) !== undefined]).toEqual([body, CompletionBody.safeParse(body).success]);
    }
  });
});
