/**
 * @module spec/spec-ids
 * The ids a spec defines, in the shapes that citation checks need: the validate stage (ids cited in reasoning) and
 * the judge (ids cited in a verdict) read the same sets.
 */
import type { Spec } from '../records/spec.js';

export interface SpecIds {
  /** Every citable id: rule ids and style guide ids. */
  known: Set<string>;
  /** Every id the spec defines (categories, rules, style guides): what a judge's verdict may cite. */
  all: Set<string>;
  /** First segments of known ids (category ids, `style`): a token `<prefix>.<x>` with such a prefix is a citation. */
  prefixes: Set<string>;
  /** Code-shaped last segments (`K3` of `illicit.K3`) → full ids, for citations such as "rule K3" or "Section K3". */
  shortIds: Map<string, string>;
}

/** A code-shaped rule id segment: letters then digits (`K3`, `M12`, `E3a`). */
export const shortIdShape = /^([A-Za-z]{1,4})\d+[a-z]?$/;
/** The ids of a spec: what reasoning may cite (`known`), and everything a verdict may cite (`all`). */
export function specIds(spec: Spec): SpecIds {
  const known = new Set<string>();
  for (const category of spec.categories) for (const rule of category.rules) known.add(rule.id);
  for (const guide of spec.styleGuides) known.add(guide.id);
  const prefixes = new Set<string>(spec.categories.map((category) => category.id));
  const shortIds = new Map<string, string>();
  for (const id of known) {
    const dot = id.indexOf('.');
    if (dot > 0) prefixes.add(id.slice(0, dot));
    const last = id.slice(id.lastIndexOf('.') + 1);
    if (dot > 0 && shortIdShape.test(last) && !shortIds.has(last)) shortIds.set(last, id);
  }
  const all = new Set([...spec.categories.map((category) => category.id), ...known]);
  return { known, all, prefixes, shortIds };
}
