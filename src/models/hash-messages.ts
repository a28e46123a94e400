/**
 * @module models/hash-messages
 * The messages of a request written into a hash as their canonical JSON (models/request-cache's key), piece by piece:
 * each text is escaped once and goes to the hash as it is, with no joined copy of the whole conversation (the spec
 * in a teacher or judge prompt is kilobytes, and every request hashes it).
 */
import type { Hash } from 'node:crypto';
import { canonicalJson } from '../io/stable-hash.js';
import type { Message } from '../records/message.js';

/** The fields of a message in canonical (sorted) order; a message with any other field takes the general path. */
const fields = ['content', 'name', 'reasoning', 'role'] as const;
const known = new Set<string>(fields);

/** A message of string fields only (content among them), as requests are built: the fast, piecewise path. */
export function isPlainMessage(message: unknown): message is Message {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return false;
  for (const key in message) {
    const value = (message as Record<string, unknown>)[key];
    if (!known.has(key) || (value !== undefined && typeof value !== 'string')) return false;
  }
  return typeof (message as Message).content === 'string' && Object.getPrototypeOf(message) === Object.prototype;
}

/** The fields of a plain message after its content (name, reasoning, role) and the closing brace. */
export function hashMessageRest(hash: Hash, message: Message): void {
  for (let index = 1; index < fields.length; index++) {
    const field = fields[index]!;
    const value = message[field];
    if (value === undefined) continue;
    hash.update(`,"${field}":`);
    hash.update(JSON.stringify(value));
  }
  hash.update('}');
}

/** One element of the messages array, exactly as canonicalJson writes it. */
function hashMessage(hash: Hash, messages: readonly Message[], index: number): void {
  const message = messages[index];
  if (isPlainMessage(message)) {
    hash.update('{"content":');
    hash.update(JSON.stringify(message.content));
    hashMessageRest(hash, message);
  } else if (message !== undefined) {
    hash.update(canonicalJson(message));
  } else if (index in messages) {
    // As canonicalJson writes them: undefined as null, a hole (never in a real request) as nothing.
    hash.update('null');
  }
}

/**
 * Updates `hash` with exactly the bytes of `canonicalJson(messages)`; with `from` and `to`, only elements `from … to - 1`
 * and the commas before them (`[` when `from` is 0, `]` when `to` is the end), to hash the array in parts.
 */
export function hashMessages(hash: Hash, messages: readonly Message[], from = 0, to = messages.length): void {
  if (from === 0) hash.update('[');
  for (let index = from; index < to; index++) {
    if (index > 0) hash.update(',');
    hashMessage(hash, messages, index);
  }
  if (to === messages.length) hash.update(']');
}
