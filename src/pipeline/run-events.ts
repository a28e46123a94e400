/**
 * @module pipeline/run-events
 * Every silent-failure kind users meet in other tools becomes a typed, counted event here: rows dropped at intake,
 * classifier failures, teacher refusals and call failures, validation rejections, unscored verdicts, selection drops.
 * The summary and the manifest print these counts; none is a quiet zero.
 */
import { FailureKind } from '../records/failure-kind.js';

/** Event kinds, grouped by stage. A `:`-suffix (e.g. `validation:spec-leakage`) names the reason code. */
export type RunEventKind =
  | 'intake:invalid-row'
  | 'intake:exact-duplicate'
  | 'intake:near-duplicate'
  | 'intake:contaminated'
  | 'intake:unknown-category'
  | 'intake:too-long'
  | 'categorise:classifier-failure'
  | 'categorise:summary-only'
  | 'categorise:deferred'
  | 'generate:provider-refusal'
  | 'generate:refused-comply-prompt'
  | 'generate:no-answer'
  | 'generate:answer-in-reasoning'
  | 'generate:schema-failure'
  | 'generate:transport-failure'
  | `validate:${string}`
  | `judge:unscored:${string}`
  | 'judge:below-threshold'
  | 'judge:early-exit'
  | 'select:not-best-of-n'
  | 'select:balanced-out';

/**
 * Events that are failures of a call (not a decision about data): the `errors` count of `--json`. The same events the
 * summary lists as `failures:` (every generate:<FailureKind>) and `unscored:` (every judge:unscored:<reason>), plus
 * classifier failures, so `errors` can never disagree with them.
 */
export function isErrorEvent(kind: string): boolean {
  if (kind === 'categorise:classifier-failure' || kind.startsWith('judge:unscored:')) return true;
  return kind.startsWith('generate:') && FailureKind.safeParse(kind.slice('generate:'.length)).success;
}

export interface RunEvents {
  /** Counts once in the totals, and once under each of `categories` (`(none)` when given and empty). */
  count(kind: RunEventKind, options?: { categories?: readonly string[]; amount?: number }): void;
  /** Totals per kind, sorted by kind. */
  totals(): Record<string, number>;
  /** Per kind, per category (prompts without a category count under `(none)`). */
  byCategory(): Record<string, Record<string, number>>;
  total(kind: RunEventKind): number;
}

/** A fresh event counter. */
export function createRunEvents(): RunEvents {
  const totals = new Map<string, number>();
  const perCategory = new Map<string, Map<string, number>>();
  return {
    count(kind, options = {}) {
      const amount = options.amount ?? 1;
      totals.set(kind, (totals.get(kind) ?? 0) + amount);
      if (options.categories !== undefined) {
        const inner = perCategory.get(kind) ?? new Map<string, number>();
        const labels = options.categories.length === 0 ? ['(none)'] : options.categories;
        for (const label of labels) inner.set(label, (inner.get(label) ?? 0) + amount);
        perCategory.set(kind, inner);
      }
    },
    totals() {
      return Object.fromEntries([...totals.entries()].sort(([a], [b]) => a.localeCompare(b)));
    },
    byCategory() {
      return Object.fromEntries(
        [...perCategory.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([kind, inner]) => [
            kind,
            Object.fromEntries([...inner.entries()].sort(([a], [b]) => a.localeCompare(b))),
          ]),
      );
    },
    total(kind) {
      return totals.get(kind) ?? 0;
    },
  };
}
