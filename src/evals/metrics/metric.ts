/**
 * @module evals/metrics/metric
 * A Metric turns the results of one arm on one benchmark into numbers with a direction, a bootstrap interval over
 * prompts, a per-category breakdown and the worst category. Most metrics are "a mean over prompts of a per-prompt
 * value": `definePromptMetric` builds those from one small function.
 */
import type {
  CategoryMetric,
  EvalItem,
  EvalResult,
  MetricAxis,
  MetricDirection,
  MetricResult,
} from '../../records/eval-log.js';
import type { GradeLabel } from '../../records/grade.js';
import { type BootstrapSettings, bootstrapMeanInterval, mean } from './bootstrap.js';

export interface MetricInput {
  items: ReadonlyMap<string, EvalItem>;
  /** The results of one arm. */
  results: readonly EvalResult[];
  bootstrap: BootstrapSettings;
}

export interface Metric {
  readonly name: string;
  readonly description: string;
  readonly direction: MetricDirection;
  readonly axis: MetricAxis;
  compute(input: MetricInput): MetricResult[];
}

/** One prompt's contribution: a value (null = not counted) and how many of its grades were unscored. */
export interface PromptScore {
  value: number | null;
  unscored: number;
}

export interface PromptMetricOptions {
  name: string;
  description: string;
  direction: MetricDirection;
  axis: MetricAxis;
  /** The benchmark's headline number for its axis. */
  primary?: boolean;
  /** Which items count (e.g. only XSTest's safe prompts). Default: all. */
  include?: (item: EvalItem) => boolean;
  /** Split into one row per group: `transform` (per technique), or a function of the item (e.g. its expected action). */
  groupBy?: 'transform' | ((item: EvalItem) => string | null);
  /** Whether to add the overall row when grouping (default true). */
  overall?: boolean;
  /** The breakdown key; default the item's category. */
  categoryOf?: (item: EvalItem) => string;
  /** The per-prompt value from all of the prompt's results (one per transform, or those of its group). */
  score: (results: readonly EvalResult[], item: EvalItem) => PromptScore;
  settings?: Record<string, string | number | boolean>;
}

interface PromptValue {
  item: EvalItem;
  score: PromptScore;
}

function lowerIsGood(direction: MetricDirection): boolean {
  return direction === 'lower-is-safer' || direction === 'lower-is-better';
}

/** The worst category for the metric's direction; null when no category has a value. */
export function worstCategoryOf(perCategory: readonly CategoryMetric[], direction: MetricDirection) {
  const worstFirst = perCategory
    .filter((entry): entry is CategoryMetric & { value: number } => entry.value !== null)
    .sort((a, b) => (lowerIsGood(direction) ? b.value - a.value : a.value - b.value));
  return worstFirst[0];
}

/** Summarises per-prompt values into one MetricResult row (value, interval, categories, worst category). */
export function summarisePromptValues(
  values: readonly PromptValue[],
  options: PromptMetricOptions & { group: string | null; bootstrap: BootstrapSettings },
): MetricResult {
  const summarise = (subset: readonly PromptValue[]) => {
    const counted = subset.map((entry) => entry.score.value).filter((value): value is number => value !== null);
    const interval = bootstrapMeanInterval(counted, options.bootstrap);
    return {
      value: counted.length === 0 ? null : mean(counted),
      ci: interval ? { ...interval, ...options.bootstrap } : null,
      n: counted.length,
      unscored: subset.reduce((sum, entry) => sum + entry.score.unscored, 0),
    };
  };
  const categoryOf = options.categoryOf ?? ((item: EvalItem) => item.category);
  const byCategory = new Map<string, PromptValue[]>();
  for (const entry of values) {
    const category = categoryOf(entry.item);
    byCategory.set(category, [...(byCategory.get(category) ?? []), entry]);
  }
  const perCategory: CategoryMetric[] = [...byCategory.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, subset]) => ({ category, ...summarise(subset) }));
  const worst = worstCategoryOf(perCategory, options.direction);
  return {
    name: options.name,
    group: options.group,
    description: options.description,
    direction: options.direction,
    axis: options.axis,
    primary: (options.primary ?? false) && options.group === null,
    ...summarise(values),
    perCategory,
    categoryMinimum: worst ? { category: worst.category, value: worst.value } : null,
    settings: options.settings ?? {},
  };
}

/** The results of the included items, grouped by item id (in the order results arrive). */
export function resultsByItem(input: MetricInput, include: (item: EvalItem) => boolean = () => true) {
  const byItem = new Map<string, EvalResult[]>();
  for (const result of input.results) {
    const item = input.items.get(result.itemId);
    if (!item || !include(item)) continue;
    byItem.set(result.itemId, [...(byItem.get(result.itemId) ?? []), result]);
  }
  return byItem;
}

/** A metric that is the mean over prompts of one per-prompt value, with optional groups (per technique, per action). */
export function definePromptMetric(options: PromptMetricOptions): Metric {
  return {
    name: options.name,
    description: options.description,
    direction: options.direction,
    axis: options.axis,
    compute(input) {
      const byItem = resultsByItem(input, options.include);
      const rows: MetricResult[] = [];
      const scoreAll = (groupOf: (result: EvalResult, item: EvalItem) => string | null) => {
        const groups = new Map<string, PromptValue[]>();
        for (const [itemId, results] of byItem) {
          const item = input.items.get(itemId)!;
          const partitions = new Map<string, EvalResult[]>();
          for (const result of results) {
            const group = groupOf(result, item);
            if (group === null) continue;
            partitions.set(group, [...(partitions.get(group) ?? []), result]);
          }
          for (const [group, subset] of partitions) {
            groups.set(group, [...(groups.get(group) ?? []), { item, score: options.score(subset, item) }]);
          }
        }
        return groups;
      };
      if (options.overall !== false || options.groupBy === undefined) {
        const overall = scoreAll(() => '');
        rows.push(
          summarisePromptValues(overall.get('') ?? [], { ...options, group: null, bootstrap: input.bootstrap }),
        );
      }
      if (options.groupBy !== undefined) {
        const groupBy = options.groupBy;
        const grouped = scoreAll((result, item) => (groupBy === 'transform' ? result.transform : groupBy(item)));
        for (const [group, values] of [...grouped.entries()].sort(([a], [b]) => a.localeCompare(b))) {
          rows.push(summarisePromptValues(values, { ...options, group, bootstrap: input.bootstrap }));
        }
      }
      return rows;
    },
  };
}

/** A grade's value, or null when the result failed or its grade is unscored (the caller counts it). */
export function gradeValueOf(result: EvalResult, graderKey: string): number | null {
  const grade = result.grades[graderKey];
  if (!grade || grade.unscored || grade.value === null) return null;
  return grade.value;
}

/** A grade's label, or null when the result failed or its grade is unscored. */
export function gradeLabelOf(result: EvalResult, graderKey: string): GradeLabel | null {
  const grade = result.grades[graderKey];
  if (!grade || grade.unscored) return null;
  return grade.label;
}

/** The mean of a grade's value over a prompt's results; unscored ones excluded and counted. */
export function meanGradeScore(results: readonly EvalResult[], graderKey: string): PromptScore {
  const values = results.map((result) => gradeValueOf(result, graderKey));
  const counted = values.filter((value): value is number => value !== null);
  return { value: counted.length === 0 ? null : mean(counted), unscored: values.length - counted.length };
}
