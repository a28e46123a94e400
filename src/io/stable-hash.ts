import * as crypto from 'node:crypto';

/** JSON with object keys sorted at every depth: the canonical form hashed for stable ids. `undefined` fields are dropped. */
export function canonicalJson(value: unknown): string {
  return canonical(value) as string;
}

/**
 * Keys sorted, then in the order an object built from them enumerates them (what the hashes were first defined
 * with): integer-like keys first, ascending by value, then the others in sorted order.
 */
function canonicalKeyOrder(keys: string[]): string[] {
  const sorted = keys.sort();
  // Most objects have no key that starts with a digit: no integer-like key to move first.
  if (!sorted.some(startsWithDigit)) return sorted;
  const integers = sorted.filter((key) => /^(0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295);
  if (integers.length === 0) return sorted;
  const rest = sorted.filter((key) => !integers.includes(key));
  return [...integers.sort((a, b) => Number(a) - Number(b)), ...rest];
}

const startsWithDigit = (key: string) => key.charCodeAt(0) >= 48 && key.charCodeAt(0) <= 57;

/**
 * Writes the canonical JSON directly (no sorted copy of the value, one string built by appending): it runs on every
 * request's cache key and every unit key.
 */
function canonical(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) {
      // A hole is written as nothing (as Array.prototype.join writes it), undefined and functions as null.
      const item = index in value ? (canonical(value[index]) ?? 'null') : '';
      text += index > 0 ? `,${item}` : item;
    }
    return `${text}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    let text = '{';
    for (const key of canonicalKeyOrder(Object.keys(record))) {
      const inner = record[key];
      const part = inner === undefined ? undefined : canonical(inner);
      if (part !== undefined) text += `${text.length > 1 ? ',' : ''}${JSON.stringify(key)}:${part}`;
    }
    return `${text}}`;
  }
  return JSON.stringify(value);
}

/** Node's one-shot hash (Node 20.12 and later: about twice as fast as a Hash object for short texts), else undefined. */
const oneShotHash = typeof crypto.hash === 'function' ? crypto.hash : undefined;

/** sha256 hex of a string. */
export function sha256(text: string): string {
  return oneShotHash ? oneShotHash('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

/** sha256 hex of the canonical JSON of a value: equal values give equal hashes whatever their key order. */
export function stableHash(value: unknown): string {
  return sha256(canonicalJson(value));
}
