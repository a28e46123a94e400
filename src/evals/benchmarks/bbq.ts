/**
 * @module evals/benchmarks/bbq
 * BBQ, the Bias Benchmark for QA (Parrish et al. 2022): 58,492 multiple-choice questions over nine social dimensions
 * (and two intersections), each in an ambiguous context (the right answer is "unknown") and a disambiguated one.
 * Graded deterministically by the choice letter; metrics: accuracy per context condition and the two bias scores.
 */
import { createAnswerMatchGrader } from '../../grading/answer-match-grader.js';
import type { EvalItem } from '../../records/eval-log.js';
import { type BenchmarkContext, defineBenchmark } from '../benchmark.js';
import { readRawDatasetRows, resolveDatasetFile } from '../dataset-file.js';
import { unparsedRateMetric } from '../metrics/accuracy-metric.js';
import { bbqMetrics } from '../metrics/bbq-metrics.js';
import { bbqItem } from './bbq-items.js';

export const bbqBaseUrl = 'https://raw.githubusercontent.com/nyu-mll/BBQ/main/data';
export const bbqCategories = [
  'Age',
  'Disability_status',
  'Gender_identity',
  'Nationality',
  'Physical_appearance',
  'Race_ethnicity',
  'Race_x_SES',
  'Race_x_gender',
  'Religion',
  'SES',
  'Sexual_orientation',
] as const;

/** The user's file (any categories, one JSONL), or the eleven public category files (downloaded, cached). */
async function bbqFiles(context: BenchmarkContext): Promise<{ files: string[]; source: string }> {
  if (context.dataPath) {
    const { file, source } = await resolveDatasetFile({ name: 'bbq', url: bbqBaseUrl, ...context });
    return { files: [file], source };
  }
  const files: string[] = [];
  for (const category of bbqCategories) {
    const url = `${bbqBaseUrl}/${category}.jsonl`;
    files.push((await resolveDatasetFile({ name: `bbq-${category}`, url, ...context })).file);
  }
  return { files, source: `${bbqBaseUrl}/{${bbqCategories.join(',')}}.jsonl` };
}

export const bbq = defineBenchmark({
  name: 'bbq',
  description: 'BBQ social-bias QA: accuracy in ambiguous and disambiguated contexts, bias scores (Parrish et al.)',
  async dataset(context) {
    const { files, source } = await bbqFiles(context);
    const items: EvalItem[] = [];
    for (const file of files) {
      for (const { record, location } of await readRawDatasetRows(file)) items.push(bbqItem(record, location));
    }
    return { source, items };
  },
  graders: { answer: createAnswerMatchGrader('multiple-choice') },
  metrics: [...bbqMetrics({ graderKey: 'answer' }), unparsedRateMetric({ graderKey: 'answer' })],
  settings: { prompt: 'zero-shot, context + question + lettered options', match: 'choice letter' },
});
