import { describe, expect, it } from 'vitest';
import { specInContextMessages } from './spec-in-context.js';

describe('specInContextMessages', () => {
  it('adds a system message in front of a conversation without one', () => {
    expect(specInContextMessages([{ role: 'user', content: 'hi' }], ['SPEC'])).toEqual([
      { role: 'system', content: 'SPEC' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it("joins the parts into the conversation's own system message, its text last", () => {
    const messages = specInContextMessages(
      [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'hi' },
      ],
      ['SPEC', 'BENCH'],
    );
    expect(messages[0]).toEqual({ role: 'system', content: 'SPEC\n\nBENCH\n\nYou are terse.' });
    expect(messages).toHaveLength(2);
  });

  it('leaves the conversation as it is without parts', () => {
    const input = [{ role: 'user' as const, content: 'hi' }];
    expect(specInContextMessages(input, [])).toEqual(input);
  });
});
