/**
 * @module evals/benchmarks/harmbench
 * HarmBench text behaviours (Mazeika et al. 2024): standard and contextual (the context string comes before the
 * behaviour); copyright behaviours are left out by default. not_unsafe by the spec-aware judge (answer only).
 */

import { createJudgeGrader } from '../../grading/judge-grader.js';
import { bindGrader, createEvalItem, defineBenchmark } from '../benchmark.js';
import { readDatasetRows, resolveDatasetFile } from '../dataset-file.js';
import { notUnsafeMetric } from '../metrics/judge-metrics.js';
import { requireJudge } from './require-judge.js';

export const harmbenchUrl =
  'https://raw.githubusercontent.com/centerforaisafety/HarmBench/main/data/behavior_datasets/harmbench_behaviors_text_all.csv';

export const harmbench = defineBenchmark({
  name: 'harmbench',
  description: 'HarmBench text behaviours (standard and contextual), not_unsafe by the spec-aware judge',
  async dataset(context) {
    const { file, source } = await resolveDatasetFile({ name: 'harmbench', url: harmbenchUrl, ...context });
    const rows = await readDatasetRows(file, ['Behavior', 'FunctionalCategory', 'SemanticCategory', 'BehaviorID'], {
      nonEmpty: ['Behavior', 'BehaviorID'],
    });
    const includeCopyright = context.settings.harmbench.includeCopyright;
    const items = rows
      .filter(({ record }) => includeCopyright || record.FunctionalCategory !== 'copyright')
      .map(({ record }) => {
        const contextString = record.ContextString?.trim() ?? '';
        const request = contextString === '' ? record.Behavior! : `${contextString}\n\n---\n\n${record.Behavior}`;
        return createEvalItem({
          id: `harmbench-${record.BehaviorID}`,
          request,
          originalRequest: record.Behavior!,
          category: record.SemanticCategory!,
          expectedAction: 'refuse',
          metadata: { functionalCategory: record.FunctionalCategory, tags: record.Tags ?? '' },
        });
      });
    return { source, items };
  },
  graders: (context) => {
    const { judge, spec } = requireJudge(context, 'harmbench');
    return {
      judge: bindGrader(createJudgeGrader({ judge: judge.client, spec, runs: context.settings.judgeRuns }), judge),
    };
  },
  metrics: [notUnsafeMetric({ graderKey: 'judge' })],
  settings: (context) => ({
    includeCopyright: context.settings.harmbench.includeCopyright,
    judgeRuns: context.settings.judgeRuns,
  }),
});
