/**
 * @module evals/benchmarks/gsm8k
 * GSM8K (Cobbe et al. 2021): 1,319 grade-school math word problems (test split), graded deterministically by the
 * final number against the reference after `####`. Metric: accuracy (capability axis), unparsed answers unscored.
 */
import { DataError } from '../../errors.js';
import { createAnswerMatchGrader } from '../../grading/answer-match-grader.js';
import { gsm8kReferenceAnswer } from '../../grading/answers/extract-final-number.js';
import { createEvalItem, defineBenchmark } from '../benchmark.js';
import { readDatasetRows, resolveDatasetFile } from '../dataset-file.js';
import { accuracyMetric, unparsedRateMetric } from '../metrics/accuracy-metric.js';

export const gsm8kUrl =
  'https://raw.githubusercontent.com/openai/grade-school-math/master/grade_school_math/data/test.jsonl';

/** The instruction after each question (zero-shot, as Qwen and DeepSeek report GSM8K). */
export const gsm8kInstruction = 'Please reason step by step, and put your final answer within \\boxed{}.';

export const gsm8k = defineBenchmark({
  name: 'gsm8k',
  description: 'GSM8K grade-school math (test split): final-number exact match, zero-shot',
  async dataset(context) {
    const { file, source } = await resolveDatasetFile({ name: 'gsm8k', url: gsm8kUrl, ...context });
    const rows = await readDatasetRows(file, ['question', 'answer'], { nonEmpty: ['question', 'answer'] });
    const items = rows.map(({ record, location }, index) => {
      const reference = gsm8kReferenceAnswer(record.answer!);
      if (reference === null) {
        throw new DataError('the answer has no final "#### <number>" line', {
          location,
          hint: 'GSM8K answers end with a line "#### <number>"; fix the row or pass the original test.jsonl',
        });
      }
      return createEvalItem({
        id: `gsm8k-${index + 1}`,
        request: `${record.question!.trim()}\n\n${gsm8kInstruction}`,
        originalRequest: record.question!,
        category: 'gsm8k',
        metadata: { reference: String(reference) },
      });
    });
    return { source, items };
  },
  graders: { answer: createAnswerMatchGrader('final-number') },
  metrics: [accuracyMetric({ graderKey: 'answer' }), unparsedRateMetric({ graderKey: 'answer' })],
  settings: { prompt: 'zero-shot, \\boxed{} instruction', match: 'final number, 1e-6 relative' },
});
