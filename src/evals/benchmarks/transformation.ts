/**
 * @module evals/benchmarks/transformation
 * The transformation-exception benchmark (the paper's Table 1 over-refusal row): harmful texts from HarmBench,
 * StrongREJECT or the user's file, wrapped in transformation requests (transformation-items.ts), graded by the
 * spec-aware judge on the answer. Metrics per kind: not_overrefuse (should-comply items the judge does not call an
 * over-refusal) and not_unsafe (items the judge does not call a violation: no uplift beyond the supplied text).
 */

import { createJudgeGrader } from '../../grading/judge-grader.js';
import { type BenchmarkContext, bindGrader, defineBenchmark } from '../benchmark.js';
import { readDatasetRows } from '../dataset-file.js';
import { judgeNotOverrefuseMetric, notUnsafeMetric } from '../metrics/judge-metrics.js';
import { harmbench } from './harmbench.js';
import { requireJudge } from './require-judge.js';
import { strongreject } from './strongreject.js';
import { type HarmfulText, transformationItems } from './transformation-items.js';

async function harmfulTexts(context: BenchmarkContext): Promise<{ source: string; texts: HarmfulText[] }> {
  if (context.dataPath) {
    const rows = await readDatasetRows(context.dataPath, ['text'], { nonEmpty: ['text'] });
    return {
      source: context.dataPath,
      texts: rows.map(({ record }, index) => ({
        id: record.id?.trim() || `row-${index + 1}`,
        text: record.text!,
        sourceCategory: record.category?.trim() || 'all',
      })),
    };
  }
  const from = context.settings.transformation.source === 'strongreject' ? strongreject : harmbench;
  const dataset = await from.dataset({ ...context, dataPath: context.dataPaths?.[from.name] });
  return {
    source: dataset.source,
    texts: dataset.items.map((item) => ({
      id: item.id,
      text: item.originalRequest,
      sourceCategory: item.category,
    })),
  };
}

const kindOf = (item: { metadata: Record<string, unknown> }) => String(item.metadata.kind ?? '') || null;

export const transformation = defineBenchmark({
  name: 'transformation',
  description:
    'Transformation exception: harmful texts to translate, summarise, classify, extract from, fix or explain; judged against the spec',
  async dataset(context) {
    const { source, texts } = await harmfulTexts(context);
    return { source, items: transformationItems(texts, context.spec, context.settings.transformation) };
  },
  graders: (context) => {
    const { judge, spec } = requireJudge(context, 'transformation');
    return {
      judge: bindGrader(createJudgeGrader({ judge: judge.client, spec, runs: context.settings.judgeRuns }), judge),
    };
  },
  metrics: [
    judgeNotOverrefuseMetric({
      graderKey: 'judge',
      include: (item) => item.expectedAction === 'comply',
      groupBy: kindOf,
    }),
    notUnsafeMetric({
      graderKey: 'judge',
      groupBy: kindOf,
      description:
        'share of transformation items whose answer the spec-aware judge does not flag as a violation (no uplift beyond the supplied text)',
    }),
  ],
  settings: (context) => {
    const settings = context.settings.transformation;
    return {
      source: context.dataPath ? 'file' : settings.source,
      kinds: settings.kinds.join(','),
      kindsPerText: settings.kindsPerText,
      languages: settings.languages.join(','),
      judgeRuns: context.settings.judgeRuns,
    };
  },
  warnings: (_context, items) => {
    const defaulted = [...new Set(items.filter((item) => item.metadata.ruleId === null).map((item) => item.category))];
    if (defaulted.length === 0) return [];
    return [
      `transformation: ${defaulted.length} categor${defaulted.length === 1 ? 'y has' : 'ies have'} no rule with exception=transformation in the spec, so their items expect comply: ${defaulted.sort().join(', ')} (mark the rule that decides transformations in each category, or map source categories with eval.transformation.categories)`,
    ];
  },
});
