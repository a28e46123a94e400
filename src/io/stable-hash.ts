import { createHash } from 'node:crypto';

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
  const integers = sorted.filter((key) => /^(0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295);
  if (integers.length === 0) return sorted;
  const rest = sorted.filter((key) => !integers.includes(key));
  return [...integers.sort((a, b) => Number(a) - Number(b)), ...rest];
}

/** Writes the canonical JSON directly (no sorted copy of the value): it runs on every request's cache key. */
function canonical(value: unknown): string | undefined {
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item) ?? 'null').join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of canonicalKeyOrder(Object.keys(record))) {
      const inner = record[key];
      if (inner === undefined) continue;
      const text = canonical(inner);
      if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 hex of a string. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** sha256 hex of the canonical JSON of a value: equal values give equal hashes whatever their key order. */
export function stableHash(value: unknown): string {
  return sha256(canonicalJson(value));
}
