import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evalArgs, testEvalOptions } from '../../../test/helpers/eval-options.js';
import { DataError } from '../../errors.js';
import { scriptedModel } from '../../testing/scripted-model.js';
import { runEval } from '../run-eval.js';
import { gsm8k } from './gsm8k.js';
import { mmlu, mmluPro } from './multiple-choice.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'deliberate-capability-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const jsonl = (rows: unknown[]) => `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;

describe('gsm8k', () => {
  it('grades the final number; an answer without a number is unscored, not wrong', async () => {
    const file = path.join(folder, 'test.jsonl');
    writeFileSync(
      file,
      jsonl([
        { question: 'Q1: 2 + 2?', answer: '2 + 2 = <<2+2=4>>4\n#### 4' },
        { question: 'Q2: 10 * 100?', answer: '#### 1,000' },
        { question: 'Q3: 3 - 1?', answer: '#### 2' },
        { question: 'Q4: 1 + 1?', answer: '#### 2' },
      ]),
    );
    const answers: Record<string, string> = {
      Q1: 'Two plus two. A and B are letters. \\boxed{4}',
      Q2: 'The answer is $1,000.',
      Q3: 'I would rather not say.',
      Q4: '#### 3',
    };
    const target = scriptedModel((request) => ({
      reasoning: 'scratch: 17 + 25 = 42',
      answer: answers[request.messages.at(-1)!.content.slice(0, 2)]!,
    }));
    const options = testEvalOptions({ folder, benchmarks: [gsm8k], target });
    options.dataPaths = { gsm8k: file };
    const { log } = await runEval(...evalArgs(options));
    const rows = log.benchmarks[0]!.metrics.base!;
    const accuracy = rows.find((row) => row.name === 'accuracy')!;
    expect(accuracy).toMatchObject({ value: 2 / 3, n: 3, unscored: 1, axis: 'capability', primary: true });
    expect(rows.find((row) => row.name === 'unparsed_rate')!.value).toBe(0.25);
    const q3 = log.benchmarks[0]!.results.find((result) => result.itemId === 'gsm8k-3')!;
    expect(q3.grades.answer).toMatchObject({ unscored: true, unscoredReason: 'no-answer-found' });
    expect(log.benchmarks[0]!.items[0]!.messages[0]!.content).toContain('\\boxed{}');
  });

  it('a reference without #### is a DataError naming the row', async () => {
    const file = path.join(folder, 'bad.jsonl');
    writeFileSync(file, jsonl([{ question: 'Q', answer: 'four' }]));
    await expect(gsm8k.dataset({ ...testContext(), dataPath: file })).rejects.toThrow(DataError);
    await expect(gsm8k.dataset({ ...testContext(), dataPath: file })).rejects.toMatchObject({
      location: expect.stringMatching(/bad\.jsonl:1$/),
    });
  });
});

function testContext() {
  const options = testEvalOptions({ folder, benchmarks: [], target: scriptedModel(['x']) });
  return {
    spec: null,
    grader: null,
    judge: null,
    offlineRefusalGrader: options.offlineRefusalGrader,
    dataPath: undefined as string | undefined,
    cacheDir: options.cacheDir,
    settings: options.settings,
    fetch: (async () => {
      throw new Error('no network in tests');
    }) as typeof fetch,
  };
}

describe('multiple choice', () => {
  it('MMLU rows (choices list, index answer) are graded by letter, per subject', async () => {
    const file = path.join(folder, 'mmlu.jsonl');
    writeFileSync(
      file,
      jsonl([
        {
          question: 'Capital of France?',
          subject: 'geography',
          choices: ['Paris', 'Lyon', 'Nice', 'Lille'],
          answer: 0,
        },
        { question: 'H2O is?', subject: 'chemistry', choices: ['salt', 'water', 'air', 'fire'], answer: 1 },
        { question: '2 + 3?', subject: 'math', choices: ['4', '5', '6', '7'], answer: 1 },
      ]),
    );
    const answers: Record<string, string> = {
      Capital: 'Option B is a city too, but the answer is (A).',
      'H2O i': 'A and C are wrong.\nThe answer is (C)',
      '2 + 3': 'B is tempting. D is not. Hmm.',
    };
    const target = scriptedModel((request) => answers[request.messages.at(-1)!.content.slice(0, 5)]!);
    const options = testEvalOptions({ folder, benchmarks: [mmlu], target });
    options.dataPaths = { mmlu: file };
    const { log } = await runEval(...evalArgs(options));
    const accuracy = log.benchmarks[0]!.metrics.base!.find((row) => row.name === 'accuracy')!;
    expect(accuracy).toMatchObject({ value: 0.5, n: 2, unscored: 1 });
    expect(accuracy.categoryMinimum).toEqual({ category: 'chemistry', value: 0 });
    expect(log.benchmarks[0]!.items[0]!.messages[0]!.content).toContain('A. Paris\nB. Lyon');
  });

  it('MMLU-Pro rows (options list, letter answer, question_id) keep their ids; a bad answer is a DataError', async () => {
    const file = path.join(folder, 'pro.jsonl');
    const options = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    writeFileSync(file, jsonl([{ question_id: 70, question: 'Pick j', options, answer: 'J', category: 'other' }]));
    const { items } = await mmluPro.dataset({ ...testContext(), dataPath: file });
    expect(items[0]).toMatchObject({ id: '70', category: 'other', metadata: { reference: 'J' } });
    writeFileSync(file, jsonl([{ question_id: 1, question: 'Pick', options, answer: 'Z', category: 'other' }]));
    await expect(mmluPro.dataset({ ...testContext(), dataPath: file })).rejects.toThrow(/answer "Z"/);
  });
});
