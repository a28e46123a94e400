import { z } from 'zod';

/** What a response does, as decided by the spec's rules: `comply` helps fully. */
export const Action = z.enum(['comply', 'refuse', 'safe-complete', 'escalate']);
export type Action = z.infer<typeof Action>;

/** Old words for an action: read on input (with a deprecation warning naming where), never written. */
export const deprecatedActionWords: Readonly<Record<string, Action>> = { allow: 'comply' };

/** A user-written action word: the action, and the deprecated word when an old one was used; null when unknown. */
export function readActionWord(word: unknown): { action: Action; deprecated: string | null } | null {
  if (typeof word !== 'string') return null;
  const parsed = Action.safeParse(word);
  if (parsed.success) return { action: parsed.data, deprecated: null };
  const action = deprecatedActionWords[word];
  return action === undefined ? null : { action, deprecated: word };
}

/** The deprecation warning for an old action word (the caller puts the file:line in front). */
export function deprecatedActionMessage(word: string, what = 'action'): string {
  const action = deprecatedActionWords[word] ?? word;
  return `${what} "${word}" is deprecated and read as "${action}": write "${action}"`;
}

/** Collects where old action words were read: one warning per word, at its first place, with the count of others. */
export function createDeprecatedWords(): {
  add(location: string, word: string): void;
  warnings(what?: string): string[];
} {
  const seen = new Map<string, { location: string; count: number }>();
  return {
    add(location, word) {
      const entry = seen.get(word);
      if (entry) entry.count++;
      else seen.set(word, { location, count: 1 });
    },
    warnings(what) {
      return [...seen].map(([word, { location, count }]) => {
        const more = count > 1 ? ` (and ${count - 1} more row${count === 2 ? '' : 's'})` : '';
        return `${location}: ${deprecatedActionMessage(word, what)}${more}`;
      });
    },
  };
}
