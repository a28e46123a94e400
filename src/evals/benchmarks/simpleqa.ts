/**
 * @module evals/benchmarks/simpleqa
 * SimpleQA (Wei et al. 2024): 4,326 short fact-seeking questions with one indisputable answer, graded by the grader
 * role as CORRECT, INCORRECT or NOT_ATTEMPTED. Metrics: correct, not_attempted, correct_given_attempted, f_score.
 */
import { ConfigError } from '../../errors.js';
import { createSimpleQaGrader } from '../../grading/simpleqa-grader.js';
import { bindGrader, createEvalItem, defineBenchmark } from '../benchmark.js';
import { readDatasetRows, resolveDatasetFile } from '../dataset-file.js';
import { simpleQaMetrics } from '../metrics/simpleqa-metrics.js';

export const simpleQaUrl = 'https://openaipublic.blob.core.windows.net/simple-evals/simple_qa_test_set.csv';

/** The topic in the `metadata` column (a Python dict literal, e.g. `{'topic': 'Art', 'answer_type': 'Person', …}`). */
export function simpleQaTopic(metadata: string): string {
  const match = /['"]topic['"]\s*:\s*(['"])(.*?)\1/.exec(metadata);
  return match?.[2]?.trim() || 'unknown';
}

export const simpleQa = defineBenchmark({
  name: 'simpleqa',
  description: 'SimpleQA short factual questions: correct / incorrect / not attempted, graded by the grader role',
  async dataset(context) {
    const { file, source } = await resolveDatasetFile({ name: 'simpleqa', url: simpleQaUrl, ...context });
    const rows = await readDatasetRows(file, ['metadata', 'problem', 'answer'], { nonEmpty: ['problem', 'answer'] });
    const items = rows.map(({ record }, index) =>
      createEvalItem({
        id: `simpleqa-${index + 1}`,
        request: record.problem!.trim(),
        category: simpleQaTopic(record.metadata ?? ''),
        metadata: { reference: record.answer!.trim() },
      }),
    );
    return { source, items };
  },
  graders: (context) => {
    if (!context.grader) {
      throw new ConfigError('the simpleqa benchmark is graded by the grader role, and none is configured', {
        location: 'eval.grader',
        hint: 'add a `grader` role under models in deliberate.yaml (or set eval.grader to the role to use)',
      });
    }
    return { answer: bindGrader(createSimpleQaGrader(context.grader.client), context.grader) };
  },
  metrics: simpleQaMetrics({ graderKey: 'answer' }),
  settings: { prompt: 'zero-shot, question only', grader: 'simpleqa-grader@1 (this project’s wording)' },
});
