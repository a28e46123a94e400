/**
 * @module evals/metrics/statistic-metric
 * A metric that is not a mean of per-prompt values (SimpleQA's F-score, BBQ's bias scores): each prompt gives an
 * observation, the statistic is computed over all of them, and the interval is a bootstrap over prompts like every
 * other metric's, with the same per-category breakdown and worst category.
 */
import type { CategoryMetric, EvalItem, EvalResult, MetricAxis, MetricDirection } from '../../records/eval-log.js';
import { bootstrapStatisticInterval } from './bootstrap.js';
import { type Metric, resultsByItem, worstCategoryOf } from './metric.js';

export interface StatisticMetricOptions<Observation> {
  name: string;
  description: string;
  direction: MetricDirection;
  axis: MetricAxis;
  primary?: boolean;
  /** Which items count. Default: all. */
  include?: (item: EvalItem) => boolean;
  /** The breakdown key; default the item's category. */
  categoryOf?: (item: EvalItem) => string;
  /** One prompt's observation (null: not counted) and how many of its grades were unscored. */
  observe: (results: readonly EvalResult[], item: EvalItem) => { observation: Observation | null; unscored: number };
  /** The statistic over observations; null when it is undefined (e.g. nothing attempted). */
  statistic: (observations: readonly Observation[]) => number | null;
  settings?: Record<string, string | number | boolean>;
}

/** Defines a metric computed over all prompts' observations at once, with a bootstrap interval over prompts. */
export function defineStatisticMetric<Observation>(options: StatisticMetricOptions<Observation>): Metric {
  return {
    name: options.name,
    description: options.description,
    direction: options.direction,
    axis: options.axis,
    compute(input) {
      const byItem = resultsByItem(input, options.include);
      const entries = [...byItem].map(([itemId, results]) => {
        const item = input.items.get(itemId)!;
        return { item, ...options.observe(results, item) };
      });
      const summarise = (subset: typeof entries) => {
        const observations = subset.flatMap((entry) => (entry.observation === null ? [] : [entry.observation]));
        const value = observations.length === 0 ? null : options.statistic(observations);
        const interval = bootstrapStatisticInterval(observations, options.statistic, input.bootstrap);
        return {
          value,
          ci: value !== null && interval ? { ...interval, ...input.bootstrap } : null,
          n: observations.length,
          unscored: subset.reduce((sum, entry) => sum + entry.unscored, 0),
        };
      };
      const categoryOf = options.categoryOf ?? ((item: EvalItem) => item.category);
      const byCategory = new Map<string, typeof entries>();
      for (const entry of entries) {
        const category = categoryOf(entry.item);
        byCategory.set(category, [...(byCategory.get(category) ?? []), entry]);
      }
      const perCategory: CategoryMetric[] = [...byCategory.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([category, subset]) => ({ category, ...summarise(subset) }));
      const worst = worstCategoryOf(perCategory, options.direction);
      return [
        {
          name: options.name,
          group: null,
          description: options.description,
          direction: options.direction,
          axis: options.axis,
          primary: options.primary ?? false,
          ...summarise(entries),
          perCategory,
          categoryMinimum: worst ? { category: worst.category, value: worst.value } : null,
          settings: options.settings ?? {},
        },
      ];
    },
  };
}
