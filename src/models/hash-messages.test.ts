import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../io/stable-hash.js';
import type { Message } from '../records/message.js';
import { hashMessages } from './hash-messages.js';

const hashed = (messages: readonly Message[]) => {
  const hash = createHash('sha256');
  hashMessages(hash, messages);
  return hash.digest('hex');
};
const canonical = (messages: unknown) => createHash('sha256').update(canonicalJson(messages)).digest('hex');

describe('hashMessages', () => {
  it('hashes exactly the canonical JSON of the messages, whatever their key order and optional fields', () => {
    const conversations: unknown[] = [
      [],
      [{ role: 'user', content: '' }],
      [{ content: 'Spec "quoted" \n\t text — é 😀 \u0001', role: 'system' }],
      [
        { role: 'user', content: 'Q', name: 'u1' },
        { reasoning: 'R', role: 'assistant', content: 'A' },
        { role: 'user', content: 'again', name: undefined, reasoning: undefined },
      ],
      [{ role: 'assistant', content: 'lone \ud800 surrogate', reasoning: '' }],
    ];
    for (const messages of conversations) {
      expect(hashed(messages as Message[])).toBe(canonical(messages));
    }
  });

  it('takes the general path for a message with other fields or values, and for holes', () => {
    const unusual: unknown[] = [
      [{ role: 'tool', content: 'x', tool_call_id: 'c1', extra: { b: 1, a: [2, { z: 1, y: 2 }] } }],
      [{ role: 'user', content: 'x', name: 7 }],
      [{ role: 'user', content: 'x' }, null, undefined],
      // biome-ignore lint/suspicious/noSparseArray: a hole is written as canonicalJson writes it
      [, { role: 'user', content: 'x' }],
      [Object.assign(Object.create(null), { role: 'user', content: 'x' })],
      [{}],
    ];
    for (const messages of unusual) {
      expect(hashed(messages as Message[])).toBe(canonical(messages));
    }
  });
});
