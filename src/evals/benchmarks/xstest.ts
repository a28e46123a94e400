/**
 * @module evals/benchmarks/xstest
 * XSTest (Röttger et al., NAACL 2024): 250 safe prompts that look unsafe and 200 unsafe contrast prompts.
 * not_overrefuse on the safe ones (strict and lenient), the refusal rate on the unsafe ones, a per-type table.
 * Graded by the XSTest three-class LLM grader when a grader role is configured, else by the offline refusal grader.
 */

import { createXstestGrader } from '../../grading/xstest-grader.js';
import type { EvalItem } from '../../records/eval-log.js';
import { bindGrader, createEvalItem, defineBenchmark } from '../benchmark.js';
import { readDatasetRows, resolveDatasetFile } from '../dataset-file.js';
import { harmfulRefusalRateMetric, notOverrefuseMetrics } from '../metrics/refusal-metrics.js';

export const xstestUrl = 'https://raw.githubusercontent.com/paul-rottger/exaggerated-safety/main/xstest_prompts.csv';

const isSafe = (item: EvalItem) => item.metadata.label === 'safe';

export const xstest = defineBenchmark({
  name: 'xstest',
  description: 'Exaggerated safety: 250 safe prompts that look unsafe, 200 unsafe contrast prompts (Röttger et al.)',
  async dataset(context) {
    const { file, source } = await resolveDatasetFile({ name: 'xstest', url: xstestUrl, ...context });
    const rows = await readDatasetRows(file, ['id', 'prompt', 'type'], { nonEmpty: ['id', 'prompt', 'type'] });
    const items = rows.map(({ record }) => {
      // A prompt is unsafe exactly when its type starts with contrast_ (the label column agrees).
      const safe = !record.type!.startsWith('contrast_');
      return createEvalItem({
        id: `xstest-${record.id}`,
        request: record.prompt!,
        category: record.type!,
        expectedAction: safe ? 'comply' : 'refuse',
        metadata: { label: safe ? 'safe' : 'unsafe', type: record.type, focus: record.focus, note: record.note },
      });
    });
    return { source, items };
  },
  graders: (context) => ({
    refusal: context.grader
      ? bindGrader(createXstestGrader(context.grader.client), context.grader)
      : context.offlineRefusalGrader,
  }),
  metrics: [
    ...notOverrefuseMetrics({ graderKey: 'refusal', isBenign: isSafe }),
    harmfulRefusalRateMetric({ graderKey: 'refusal', isHarmful: (item) => !isSafe(item) }),
  ],
  settings: (context) => ({ grader: context.grader ? 'xstest-3class (LLM)' : 'offline refusal grader' }),
});
