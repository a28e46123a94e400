/**
 * @module spec/spec-hash
 * The spec's hash: sha256 of its canonical JSON without source locations and file names, so re-indenting YAML or
 * reordering front-matter keys keeps it, and any change of text changes it.
 */
import { stableHash } from '../io/stable-hash.js';
import type { Spec } from '../records/spec.js';

/** sha256 of the spec's content (everything but `hash`, `files` and every `location`). */
export function specHash(spec: Omit<Spec, 'hash' | 'files'>): string {
  return stableHash(withoutLocations(spec));
}

function withoutLocations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLocations);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'location' && key !== 'hash' && key !== 'files')
        .map(([key, inner]) => [key, withoutLocations(inner)]),
    );
  return value;
}
