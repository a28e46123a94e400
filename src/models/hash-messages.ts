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

function isPlainMessage(message: unknown): message is Message {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return false;
  for (const key in message) {
    const value = (message as Record<string, unknown>)[key];
    if (!known.has(key) || (value !== undefined && typeof value !== 'string')) return false;
  }
  return Object.getPrototypeOf(message) === Object.prototype;
}

/** Updates `hash` with exactly the bytes of `canonicalJson(messages)`. */
export function hashMessages(hash: Hash, messages: readonly Message[]): void {
  hash.update('[');
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    if (index > 0) hash.update(',');
    if (!isPlainMessage(message)) {
      // As canonicalJson writes them: undefined as null, a hole (never in a real request) as nothing.
      if (message !== undefined) hash.update(canonicalJson(message));
      else if (index in messages) hash.update('null');
      continue;
    }
    let separator = '{';
    for (const field of fields) {
      const value = message[field];
      if (value === undefined) continue;
      hash.update(`${separator}"${field}":`);
      hash.update(JSON.stringify(value));
      separator = ',';
    }
    hash.update(separator === '{' ? '{}' : '}');
  }
  hash.update(']');
}
