/**
 * @module evals/benchmarks/multiple-choice
 * Multiple-choice benchmarks graded by the chosen letter: MMLU (Hendrycks et al. 2021, 4 options, 14,042 test
 * questions in 57 subjects) and MMLU-Pro (Wang et al. 2024, up to 10 options, 12,032 questions in 14 categories),
 * zero-shot. Rows hold the options as a list (`choices` / `options`) or as columns `A`…; the reference as a letter or
 * a 0-based index. Also builds the items of the user's own multiple-choice set.
 */
import { DataError } from '../../errors.js';
import { createAnswerMatchGrader } from '../../grading/answer-match-grader.js';
import { choiceLetters } from '../../grading/answers/extract-choice-letter.js';
import type { EvalItem } from '../../records/eval-log.js';
import { createEvalItem, defineBenchmark } from '../benchmark.js';
import { readRawDatasetRows, resolveDatasetFile } from '../dataset-file.js';
import { accuracyMetric, unparsedRateMetric } from '../metrics/accuracy-metric.js';

export const mmluUrl = 'https://huggingface.co/datasets/cais/mmlu/resolve/main/all/test-00000-of-00001.parquet';
export const mmluProUrl =
  'https://huggingface.co/datasets/TIGER-Lab/MMLU-Pro/resolve/main/data/test-00000-of-00001.parquet';

export const multipleChoiceInstruction =
  'Answer with the letter of the correct option. End with a line of the form "The answer is (X)".';

export interface MultipleChoiceColumns {
  id?: string;
  question: string;
  /** A list column; or none, and columns named `A`, `B`, … hold the options. */
  choices?: string;
  answer: string;
  category?: string;
}

function optionsOf(record: Record<string, unknown>, columns: MultipleChoiceColumns, location: string): string[] {
  const list = columns.choices ? record[columns.choices] : undefined;
  const raw =
    typeof list === 'string' && list.trim().startsWith('[') ? (JSON.parse(list) as unknown) : (list ?? undefined);
  if (Array.isArray(raw)) return raw.map((option) => String(option));
  if (columns.choices && list !== undefined) {
    throw new DataError(`column ${columns.choices} is not a list of options`, {
      location,
      hint: 'give the options as a JSON list, or as columns A, B, C, …',
    });
  }
  const letterColumns = [...choiceLetters(26)].filter(
    (letter) => record[letter] !== undefined && record[letter] !== '',
  );
  return letterColumns.map((letter) => String(record[letter]));
}

function referenceLetter(value: unknown, count: number, location: string): string {
  const text = String(value ?? '').trim();
  const letters = choiceLetters(count);
  if (/^\d+$/.test(text) && Number(text) < count) return letters[Number(text)]!;
  if (text.length === 1 && letters.includes(text.toUpperCase())) return text.toUpperCase();
  throw new DataError(
    `answer "${text}" is neither a letter ${letters[0]}–${letters.at(-1)} nor an index 0–${count - 1}`,
    {
      location,
      hint: 'give the correct option as its letter (C) or its 0-based index (2)',
    },
  );
}

/** Items from multiple-choice rows; ids `<name>-<row>` unless an id column is named. */
export function multipleChoiceItems(
  name: string,
  rows: ReadonlyArray<{ location: string; record: Record<string, unknown> }>,
  columns: MultipleChoiceColumns,
): EvalItem[] {
  return rows.map(({ record, location }, index) => {
    const question = String(record[columns.question] ?? '').trim();
    if (question === '')
      throw new DataError(`empty ${columns.question}`, { location, hint: 'every row needs a question' });
    const options = optionsOf(record, columns, location);
    if (options.length < 2) {
      throw new DataError(`${options.length} option(s); a multiple-choice row needs at least 2`, {
        location,
        hint: columns.choices ? `fill the ${columns.choices} list` : 'add columns A, B, … with the options',
      });
    }
    const letters = choiceLetters(options.length);
    const category = columns.category ? String(record[columns.category] ?? '').trim() || 'all' : 'all';
    const listed = options.map((option, position) => `${letters[position]}. ${option}`).join('\n');
    return createEvalItem({
      id: columns.id && record[columns.id] !== undefined ? String(record[columns.id]) : `${name}-${index + 1}`,
      request: `${question}\n\n${listed}\n\n${multipleChoiceInstruction}`,
      originalRequest: question,
      category,
      metadata: {
        reference: referenceLetter(record[columns.answer], options.length, location),
        choices: options,
        row: location,
      },
    });
  });
}

function multipleChoiceBenchmark(options: {
  name: string;
  description: string;
  url: string;
  columns: MultipleChoiceColumns;
}) {
  return defineBenchmark({
    name: options.name,
    description: options.description,
    async dataset(context) {
      const { file, source } = await resolveDatasetFile({ name: options.name, url: options.url, ...context });
      return { source, items: multipleChoiceItems(options.name, await readRawDatasetRows(file), options.columns) };
    },
    graders: { answer: createAnswerMatchGrader('multiple-choice') },
    metrics: [accuracyMetric({ graderKey: 'answer' }), unparsedRateMetric({ graderKey: 'answer' })],
    settings: { prompt: 'zero-shot, "The answer is (X)" instruction', match: 'choice letter' },
  });
}

export const mmlu = multipleChoiceBenchmark({
  name: 'mmlu',
  description: 'MMLU test split (57 subjects, 4 options): choice-letter accuracy, zero-shot',
  url: mmluUrl,
  columns: { question: 'question', choices: 'choices', answer: 'answer', category: 'subject' },
});

export const mmluPro = multipleChoiceBenchmark({
  name: 'mmlu-pro',
  description: 'MMLU-Pro test split (14 categories, up to 10 options): choice-letter accuracy, zero-shot',
  url: mmluProUrl,
  columns: { id: 'question_id', question: 'question', choices: 'options', answer: 'answer', category: 'category' },
});
