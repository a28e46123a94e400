/**
 * @module servers/reward/verdict-cache
 * Verdicts kept in memory by (conversation, answer, categories, spec hash, runs): GRPO samples the same answer many
 * times (short refusals above all), and each repeat would otherwise cost k judge calls. Least recently used entries
 * go first once the cache is full. Only scored verdicts are kept, so a failure is retried next time.
 */
import { stableHash } from '../../io/stable-hash.js';
import type { Message } from '../../records/message.js';

export interface VerdictKey {
  conversation: Message[];
  answer: string;
  categories: string[];
  specHash: string;
  runs: number;
}

export interface VerdictCache<Value> {
  get(key: VerdictKey): Value | undefined;
  set(key: VerdictKey, value: Value): void;
  readonly size: number;
}

/** A least-recently-used cache of at most `maxEntries` (0 turns it off). */
export function createVerdictCache<Value>(maxEntries: number): VerdictCache<Value> {
  const entries = new Map<string, Value>();
  const hash = (key: VerdictKey) =>
    stableHash({ ...key, conversation: key.conversation.map((message) => [message.role, message.content]) });
  return {
    get(key) {
      const id = hash(key);
      const value = entries.get(id);
      if (value !== undefined) {
        entries.delete(id);
        entries.set(id, value);
      }
      return value;
    },
    set(key, value) {
      if (maxEntries === 0) return;
      const id = hash(key);
      entries.delete(id);
      entries.set(id, value);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    get size() {
      return entries.size;
    },
  };
}
