/**
 * @module evals/sample-items
 * `--limit n`: a seeded sample of a benchmark's items, kept in dataset order.
 */
import type { EvalItem } from '../records/eval-log.js';
import { createSeededRandom } from './seeded-random.js';

/** A seeded sample of `limit` items, kept in dataset order (so a limited run still covers every kind of item). */
export function sampleItems(items: readonly EvalItem[], limit: number | undefined, seed: number): EvalItem[] {
  if (limit === undefined || limit >= items.length) return [...items];
  const random = createSeededRandom(seed);
  const order = items.map((_, index) => ({ index, key: random() }));
  order.sort((a, b) => a.key - b.key);
  const chosen = new Set(order.slice(0, limit).map((entry) => entry.index));
  return items.filter((_, index) => chosen.has(index));
}
