import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../io/stable-hash.js';
import type { Message } from '../records/message.js';
import { createPrefixHasher } from './prefix-hasher.js';

const spec = (name: string) =>
  `# Spec ${name}\n\n${'A rule with "quotes", a tab\\t, é and 😀 — refuse. \n'.repeat(12)}`;
const whole = (head: string, messages: unknown) =>
  createHash('sha256')
    .update(head + canonicalJson(messages))
    .digest('hex');

describe('createPrefixHasher', () => {
  it('gives the hash of head + canonical JSON for every request, resuming shared beginnings it has learnt', () => {
    const hasher = createPrefixHasher();
    const system: Message = { role: 'system', content: spec('judge instructions') };
    const requests: Array<[string, Message[]]> = [];
    for (let index = 0; index < 12; index++) {
      const set = index % 3 === 0 ? 'a' : 'b';
      requests.push(['{"h":1,"messages":', [{ role: 'user', content: `${spec(set)}Question ${index}?` }]]);
      requests.push(['{"h":1,"messages":', [{ ...system }, { role: 'user', content: `${spec(set)}Answer ${index}.` }]]);
      // A shorter request whose content is the start of the learnt beginning's message, and the same one twice.
      requests.push(['{"h":1,"messages":', [{ role: 'user', content: spec(set).slice(0, 300) }]]);
      requests.push(['{"h":1,"messages":', [{ role: 'user', content: spec(set).slice(0, 300) }]]);
    }
    requests.push(['{"h":2,"messages":', [{ role: 'user', content: `${spec('a')}Question 0?` }]]);
    for (const [head, messages] of requests) {
      expect(hasher.hash(head, messages).digest('hex')).toBe(whole(head, messages));
    }
    expect(hasher.reused).toBeGreaterThan(requests.length / 2);
  });

  it('never splits a surrogate pair between the kept beginning and the rest', () => {
    const hasher = createPrefixHasher();
    const common = 'x'.repeat(400);
    // Both contents share the high surrogate of their last emoji; their low surrogates differ.
    const requests = ['😀 one', '😁 two', '😂 three', '😀 one'].map((tail) => [
      { role: 'user', content: common + tail },
    ]);
    for (const messages of requests) {
      expect(hasher.hash('[h]', messages as Message[]).digest('hex')).toBe(whole('[h]', messages));
    }
    expect(hasher.reused).toBe(2);
  });

  it('hashes unusual messages (other fields, other values) on the general path, with the same bytes', () => {
    const hasher = createPrefixHasher();
    const base = spec('c');
    const requests: unknown[] = [
      [{ role: 'user', content: `${base}1` }],
      [{ role: 'user', content: `${base}2`, extra: { b: 1, a: 2 } }],
      [{ role: 'tool', content: `${base}3`, name: 7 }],
      [
        { role: 'user', content: `${base}4` },
        { role: 'user', content: `${base}5`, tool_call_id: 'c' },
      ],
      [{ role: 'user', content: `${base}4` }, null],
      [{ role: 'assistant', content: `${base}6`, reasoning: 'because' }],
    ];
    for (const messages of requests) {
      expect(hasher.hash('{', messages as Message[]).digest('hex')).toBe(whole('{', messages));
    }
  });
});
