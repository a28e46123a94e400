/**
 * @module models/prefix-hasher
 * Hashing requests that begin alike (every teacher prompt of a category set opens with the same rendered spec, every
 * judge prompt with the same instructions and spec) without hashing the common part again: the SHA-256 state after a
 * shared beginning is kept and copied, and only what follows is escaped and hashed. The bytes hashed are exactly
 * `head` then the canonical JSON of the messages, so a key is the same as models/hash-messages gives it.
 *
 * A beginning is learnt from a request that no kept beginning fits and one of the few before it with the same head:
 * the messages they share and the common start (to the end of a line) of the first message that differs. A few are
 * kept, the most recently used first.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Message } from '../records/message.js';
import { hashMessageRest, hashMessages, isPlainMessage } from './hash-messages.js';

/** Below this many shared characters, starting from a copied state is not worth the bookkeeping. */
const minimumShared = 256;
const kept = 16;
const compared = 4;

interface Beginning {
  head: string;
  /** Messages `0 … index - 1`, equal in every request that uses this beginning. */
  before: readonly Message[];
  index: number;
  /** The start of `messages[index].content`. */
  prefix: string;
  /** SHA-256 of head, `[`, the messages before, and `{"content":"` with the escaped prefix. */
  state: Hash;
}

export interface PrefixHasher {
  /** A SHA-256 hash holding `head` and the canonical JSON of `messages`, ready for more updates. */
  hash(head: string, messages: readonly Message[]): Hash;
  /** How many hashes started from a kept beginning (for tests and benches). */
  readonly reused: number;
}

function sameMessage(a: Message | undefined, b: Message | undefined): boolean {
  if (a === b) return isPlainMessage(a);
  if (!isPlainMessage(a) || !isPlainMessage(b)) return false;
  return a.content === b.content && a.role === b.role && a.name === b.name && a.reasoning === b.reasoning;
}

function sharedLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a.charCodeAt(index) === b.charCodeAt(index)) index++;
  // At the end of a line where there is one (the spec's lines, not the start of one prompt's words that the next
  // prompt may not share), and never between the halves of a surrogate pair (each would be escaped alone).
  const line = index < a.length || index < b.length ? a.lastIndexOf('\n', index - 1) + 1 : index;
  if (line > 0) return line;
  if (index > 0 && (a.charCodeAt(index - 1) & 0xfc00) === 0xd800) index--;
  return index;
}

function fits(beginning: Beginning, head: string, messages: readonly Message[]): boolean {
  if (beginning.head !== head || messages.length <= beginning.index) return false;
  for (let index = 0; index < beginning.index; index++) {
    if (!sameMessage(messages[index], beginning.before[index])) return false;
  }
  const message = messages[beginning.index];
  // A slice compared at once, not startsWith (which walks two-byte strings a character at a time: slower than hashing).
  const { prefix } = beginning;
  return (
    isPlainMessage(message) &&
    message.content.length >= prefix.length &&
    message.content.slice(0, prefix.length) === prefix
  );
}

/** The rest of the request after `prefix` of `messages[index].content`. */
function hashAfter(hash: Hash, messages: readonly Message[], index: number, prefix: string): Hash {
  const message = messages[index]!;
  hash.update(JSON.stringify(message.content.slice(prefix.length)).slice(1));
  hashMessageRest(hash, message);
  hashMessages(hash, messages, index + 1);
  return hash;
}

/** Where `messages` first differs from `last` (same head) and how much of that message's content they share. */
function divergence(messages: readonly Message[], last: readonly Message[]) {
  let index = 0;
  let sharedBefore = 0;
  while (index < messages.length && index < last.length && sameMessage(messages[index], last[index])) {
    sharedBefore += messages[index]!.content.length;
    index++;
  }
  const message = messages[index];
  const other = last[index];
  if (!isPlainMessage(message) || !isPlainMessage(other) || message.content === other.content) return undefined;
  const prefix = message.content.slice(0, sharedLength(message.content, other.content));
  return sharedBefore + prefix.length >= minimumShared ? { index, prefix } : undefined;
}

/** A hash of `head` and the messages up to `prefix` of `messages[index].content`, escaped, without the closing quote. */
function hashBefore(head: string, messages: readonly Message[], index: number, prefix: string): Hash {
  const hash = createHash('sha256').update(head);
  hashMessages(hash, messages, 0, index);
  hash.update(index > 0 ? ',{"content":' : '{"content":');
  hash.update(JSON.stringify(prefix).slice(0, -1));
  return hash;
}

export function createPrefixHasher(): PrefixHasher {
  const beginnings: Beginning[] = [];
  /** The last few requests not answered from a beginning: what the next such request is compared with. */
  const recent: Array<{ head: string; messages: readonly Message[] }> = [];
  let reused = 0;
  const learn = (head: string, messages: readonly Message[]) => {
    let found: ReturnType<typeof divergence>;
    for (const other of recent) {
      if (other.head === head) found ??= divergence(messages, other.messages);
    }
    recent.unshift({ head, messages });
    if (recent.length > compared) recent.pop();
    return found;
  };
  return {
    get reused() {
      return reused;
    },
    hash(head, messages) {
      const at = beginnings.findIndex((beginning) => fits(beginning, head, messages));
      if (at >= 0) {
        const beginning = beginnings[at]!;
        if (at > 0) beginnings.unshift(...beginnings.splice(at, 1));
        reused++;
        return hashAfter(beginning.state.copy(), messages, beginning.index, beginning.prefix);
      }
      const found = learn(head, messages);
      if (!found) {
        const hash = createHash('sha256').update(head);
        hashMessages(hash, messages);
        return hash;
      }
      const hash = hashBefore(head, messages, found.index, found.prefix);
      beginnings.unshift({ head, before: messages.slice(0, found.index), ...found, state: hash.copy() });
      if (beginnings.length > kept) beginnings.pop();
      return hashAfter(hash, messages, found.index, found.prefix);
    },
  };
}
