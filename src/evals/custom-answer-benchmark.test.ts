import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evalArgs, testEvalOptions } from '../../test/helpers/eval-options.js';
import { ConfigError } from '../errors.js';
import { scriptedModel } from '../testing/scripted-model.js';
import { loadCustomBenchmark } from './custom-benchmark.js';
import { runEval } from './run-eval.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'deliberate-custom-answer-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function declare(name: string, lines: string[]) {
  const file = path.join(folder, `${name}.yaml`);
  writeFileSync(file, [`name: ${name}`, ...lines].join('\n'));
  return file;
}

describe('custom capability benchmarks', () => {
  it('exact-match: normalised short answers, alternatives with |, empty answers unscored', async () => {
    writeFileSync(
      path.join(folder, 'qa.csv'),
      'q,a\nCapital of France?,Paris\nWho wrote Hamlet?,Shakespeare | William Shakespeare\nLargest planet?,Jupiter\n',
    );
    const benchmark = await loadCustomBenchmark(
      declare('qa', [
        'dataset: ./qa.csv',
        'columns: { prompt: q, answer: a }',
        'grader: exact-match',
        'metrics: [accuracy, unparsed_rate]',
      ]),
    );
    const answers: Record<string, string> = {
      Capital: 'Let me think.\nAnswer: paris.',
      Who: 'The answer is William Shakespeare',
      Largest: 'Saturn',
    };
    const target = scriptedModel((request) => answers[request.messages.at(-1)!.content.split(' ')[0]!]!);
    const { log } = await runEval(...evalArgs(testEvalOptions({ folder, benchmarks: [benchmark], target })));
    const accuracy = log.benchmarks[0]!.metrics.base!.find((row) => row.name === 'accuracy')!;
    expect(accuracy).toMatchObject({ value: 2 / 3, n: 3, axis: 'capability' });
  });

  it('multiple-choice: options in columns A–D, answer letters', async () => {
    writeFileSync(path.join(folder, 'mc.csv'), 'question,A,B,C,D,answer\n1 + 1?,1,2,3,4,B\n2 + 2?,1,2,3,4,D\n');
    const benchmark = await loadCustomBenchmark(
      declare('mc', [
        'dataset: ./mc.csv',
        'columns: { prompt: question, answer: answer }',
        'grader: multiple-choice',
        'metrics: [accuracy]',
      ]),
    );
    const target = scriptedModel((request) =>
      request.messages.at(-1)!.content.startsWith('1 + 1') ? '\\boxed{B}' : 'A and D... the answer is (C)',
    );
    const { log } = await runEval(...evalArgs(testEvalOptions({ folder, benchmarks: [benchmark], target })));
    const accuracy = log.benchmarks[0]!.metrics.base!.find((row) => row.name === 'accuracy')!;
    expect(accuracy).toMatchObject({ value: 0.5, n: 2, unscored: 0 });
  });

  it('without columns.answer it says which column to name', async () => {
    writeFileSync(path.join(folder, 'x.csv'), 'prompt\nhi\n');
    const benchmark = await loadCustomBenchmark(
      declare('x', ['dataset: ./x.csv', 'grader: exact-match', 'metrics: [accuracy]']),
    );
    await expect(
      runEval(...evalArgs(testEvalOptions({ folder, benchmarks: [benchmark], target: scriptedModel(['a']) }))),
    ).rejects.toThrow(ConfigError);
  });
});
