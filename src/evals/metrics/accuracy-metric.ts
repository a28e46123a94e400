/**
 * @module evals/metrics/accuracy-metric
 * accuracy: the share of scored items answered correctly (capability benchmarks). Unscored answers (nothing could be
 * read) are excluded from the mean and counted; the share of them is its own row, so a format problem is visible.
 */
import { definePromptMetric, type Metric, meanGradeScore } from './metric.js';

/** accuracy over the items a deterministic grader could read, per category. */
export function accuracyMetric(options: { graderKey: string; description?: string; primary?: boolean }): Metric {
  return definePromptMetric({
    name: 'accuracy',
    description:
      options.description ??
      'share of items answered correctly (unscored answers, where nothing could be read, excluded and counted)',
    direction: 'higher-is-better',
    axis: 'capability',
    primary: options.primary ?? true,
    score: (results) => meanGradeScore(results, options.graderKey),
  });
}

/** unparsed_rate: the share of answered items in which no answer could be read (a format failure, not a wrong answer). */
export function unparsedRateMetric(options: { graderKey: string }): Metric {
  return definePromptMetric({
    name: 'unparsed_rate',
    description: 'share of answered items in which no final answer could be read (excluded from accuracy)',
    direction: 'lower-is-better',
    axis: 'capability',
    score: (results) => {
      const grades = results.flatMap((result) =>
        result.grades[options.graderKey] ? [result.grades[options.graderKey]!] : [],
      );
      if (grades.length === 0) return { value: null, unscored: results.length };
      const unread = grades.filter((grade) => grade.unscored && grade.unscoredReason === 'no-answer-found').length;
      return { value: unread / grades.length, unscored: 0 };
    },
  });
}
