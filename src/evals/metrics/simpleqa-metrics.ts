/**
 * @module evals/metrics/simpleqa-metrics
 * SimpleQA's metrics (Wei et al. 2024) from the grader's labels (correct / incorrect / not-attempted):
 * correct (share of graded items), not_attempted, correct_given_attempted (correct / (correct + incorrect)) and
 * f_score, the harmonic mean of the first and the third. Unscored grades are excluded and counted; every row has a
 * bootstrap interval over items.
 */
import type { EvalResult } from '../../records/eval-log.js';
import type { GradeLabel } from '../../records/grade.js';
import { definePromptMetric, gradeLabelOf, type Metric, type PromptScore } from './metric.js';
import { defineStatisticMetric } from './statistic-metric.js';

type SimpleQaLabel = 'correct' | 'incorrect' | 'not-attempted';

function labelScore(
  results: readonly EvalResult[],
  graderKey: string,
  value: (label: SimpleQaLabel) => number | null,
): PromptScore {
  const labels = results.map((result) => gradeLabelOf(result, graderKey));
  const known = labels.filter((label): label is SimpleQaLabel => isSimpleQaLabel(label));
  const values = known.map(value).filter((entry): entry is number => entry !== null);
  return {
    value: values.length === 0 ? null : values.reduce((sum, entry) => sum + entry, 0) / values.length,
    unscored: labels.length - known.length,
  };
}

function isSimpleQaLabel(label: GradeLabel | null): label is SimpleQaLabel {
  return label === 'correct' || label === 'incorrect' || label === 'not-attempted';
}

/** F = 2·c·g / (c + g), c = correct share, g = correct given attempted; 0 when both are 0; null when none graded. */
export function simpleQaFScore(labels: readonly SimpleQaLabel[]): number | null {
  if (labels.length === 0) return null;
  const correct = labels.filter((label) => label === 'correct').length;
  const attempted = labels.filter((label) => label !== 'not-attempted').length;
  if (attempted === 0 || correct === 0) return 0;
  const correctRate = correct / labels.length;
  const givenAttempted = correct / attempted;
  return (2 * correctRate * givenAttempted) / (correctRate + givenAttempted);
}

/** The four SimpleQA rows over one grader key. */
export function simpleQaMetrics(options: { graderKey: string }): Metric[] {
  const common = { axis: 'capability' as const };
  return [
    definePromptMetric({
      ...common,
      name: 'correct',
      description: 'share of graded answers the grader calls CORRECT',
      direction: 'higher-is-better',
      primary: true,
      score: (results) => labelScore(results, options.graderKey, (label) => (label === 'correct' ? 1 : 0)),
    }),
    definePromptMetric({
      ...common,
      name: 'not_attempted',
      description: 'share of graded answers the grader calls NOT_ATTEMPTED (no answer given, nothing contradicted)',
      direction: 'lower-is-better',
      score: (results) => labelScore(results, options.graderKey, (label) => (label === 'not-attempted' ? 1 : 0)),
    }),
    definePromptMetric({
      ...common,
      name: 'correct_given_attempted',
      description: 'correct / (correct + incorrect): accuracy on the questions the model tried to answer',
      direction: 'higher-is-better',
      score: (results) =>
        labelScore(results, options.graderKey, (label) =>
          label === 'not-attempted' ? null : label === 'correct' ? 1 : 0,
        ),
    }),
    defineStatisticMetric<SimpleQaLabel>({
      ...common,
      name: 'f_score',
      description: 'harmonic mean of correct and correct_given_attempted (the SimpleQA paper)',
      direction: 'higher-is-better',
      observe: (results) => {
        const labels = results.map((result) => gradeLabelOf(result, options.graderKey));
        const known = labels.filter(isSimpleQaLabel);
        return { observation: known[0] ?? null, unscored: labels.length - known.length };
      },
      statistic: simpleQaFScore,
    }),
  ];
}
