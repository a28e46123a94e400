/**
 * @module evals/metrics/bootstrap
 * Percentile bootstrap intervals for a mean over prompts: resample the per-prompt values (never prompt × technique
 * pairs) with replacement, `resamples` times, from a seeded PRNG, so the same data and seed give the same interval.
 */
import { createSeededRandom } from '../seeded-random.js';

export interface BootstrapSettings {
  resamples: number;
  seed: number;
  /** Coverage of the interval, e.g. 0.95. */
  level: number;
}

export const defaultBootstrapSettings: BootstrapSettings = { resamples: 1000, seed: 0, level: 0.95 };

/** The arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

function quantile(sorted: readonly number[], probability: number): number {
  const position = (sorted.length - 1) * probability;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const weight = position - lower;
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

/** The percentile bootstrap interval of the mean of `values`; null for no values. */
export function bootstrapMeanInterval(
  values: readonly number[],
  settings: BootstrapSettings = defaultBootstrapSettings,
): { low: number; high: number } | null {
  if (values.length === 0) return null;
  const random = createSeededRandom(settings.seed);
  const means: number[] = new Array(settings.resamples);
  const size = values.length;
  for (let resample = 0; resample < settings.resamples; resample++) {
    let sum = 0;
    for (let draw = 0; draw < size; draw++) sum += values[Math.floor(random() * size)]!;
    means[resample] = sum / size;
  }
  means.sort((a, b) => a - b);
  const tail = (1 - settings.level) / 2;
  return { low: quantile(means, tail), high: quantile(means, 1 - tail) };
}

/**
 * The percentile bootstrap interval of any statistic of per-prompt observations (a ratio, an F-score, a bias score):
 * the observations are resampled as for a mean; resamples where the statistic is undefined (null) are left out.
 */
export function bootstrapStatisticInterval<Observation>(
  observations: readonly Observation[],
  statistic: (sample: readonly Observation[]) => number | null,
  settings: BootstrapSettings = defaultBootstrapSettings,
): { low: number; high: number } | null {
  if (observations.length === 0) return null;
  const random = createSeededRandom(settings.seed);
  const size = observations.length;
  const sample: Observation[] = new Array(size);
  const values: number[] = [];
  for (let resample = 0; resample < settings.resamples; resample++) {
    for (let draw = 0; draw < size; draw++) sample[draw] = observations[Math.floor(random() * size)]!;
    const value = statistic(sample);
    if (value !== null && Number.isFinite(value)) values.push(value);
  }
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const tail = (1 - settings.level) / 2;
  return { low: quantile(values, tail), high: quantile(values, 1 - tail) };
}
