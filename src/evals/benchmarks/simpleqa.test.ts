import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evalArgs, testEvalOptions } from '../../../test/helpers/eval-options.js';
import { parseSimpleQaGrade } from '../../grading/simpleqa-grader.js';
import { createModelClient } from '../../models/generate.js';
import { scriptedModel } from '../../testing/scripted-model.js';
import { simpleQaFScore } from '../metrics/simpleqa-metrics.js';
import { runEval } from '../run-eval.js';
import { simpleQa } from './simpleqa.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'deliberate-simpleqa-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const csv = [
  'metadata,problem,answer',
  `"{'topic': 'Art', 'answer_type': 'Person', 'urls': ['https://example.org']}",Who painted Q1?,Ada`,
  `"{'topic': 'Art', 'answer_type': 'Person'}",Who painted Q2?,Bea`,
  `"{'topic': 'Science', 'answer_type': 'Number'}",How many Q3?,42`,
  `"{'topic': 'Science', 'answer_type': 'Date'}",When was Q4?,1901`,
  `"{'topic': 'Geography'}",Where is Q5?,Oslo`,
].join('\n');

/** The target's answer to each question, and the grade the scripted grader gives it (its last line). */
const script: Record<string, { answer: string; grade: string }> = {
  Q1: { answer: 'Ada.', grade: 'The answer matches.\nCORRECT' },
  Q2: { answer: 'Cleo', grade: 'Contradicts the gold answer.\n**INCORRECT**' },
  Q3: { answer: 'I do not know.', grade: 'No answer given.\nGrade: NOT_ATTEMPTED' },
  Q4: { answer: '1901', grade: 'Matches.\nCORRECT.' },
  Q5: { answer: 'Bergen, I think', grade: 'It is probably wrong, maybe correct' },
};

async function run() {
  const file = path.join(folder, 'simple_qa_test_set.csv');
  writeFileSync(file, csv);
  const target = scriptedModel((request) => script[/Q\d/.exec(request.messages.at(-1)!.content)![0]]!.answer);
  const graderModel = scriptedModel((request) => {
    const prompt = request.messages.at(-1)!.content;
    return script[/Q\d/.exec(prompt)![0]]!.grade;
  });
  const options = testEvalOptions({ folder, benchmarks: [simpleQa], target });
  options.dataPaths = { simpleqa: file };
  options.grader = { role: 'grader', client: createModelClient(graderModel) };
  return { ...(await runEval(...evalArgs(options))), graderModel };
}

describe('simpleqa', () => {
  it('grades by the grader role; an unparseable grade is unscored; the four metrics as in the paper', async () => {
    const { log, graderModel } = await run();
    const benchmark = log.benchmarks[0]!;
    const rows = benchmark.metrics.base!;
    const value = (name: string) => rows.find((row) => row.name === name)!;
    // Graded: correct, incorrect, not attempted, correct; Q5's grade has no verdict line: unscored.
    expect(value('correct')).toMatchObject({ value: 0.5, n: 4, unscored: 1, primary: true });
    expect(value('not_attempted')).toMatchObject({ value: 0.25, n: 4 });
    expect(value('correct_given_attempted')).toMatchObject({ value: 2 / 3, n: 3 });
    // F = 2 · 0.5 · (2/3) / (0.5 + 2/3) = 4/7.
    expect(value('f_score').value).toBeCloseTo(4 / 7, 10);
    expect(value('f_score')).toMatchObject({ n: 4, unscored: 1 });
    for (const name of ['correct', 'not_attempted', 'correct_given_attempted', 'f_score']) {
      const ci = value(name).ci!;
      expect(ci.low).toBeLessThanOrEqual(value(name).value!);
      expect(ci.high).toBeGreaterThanOrEqual(value(name).value!);
    }
    expect(value('correct').perCategory.map((entry) => entry.category)).toEqual(['Art', 'Geography', 'Science']);
    const q5 = benchmark.results.find((result) => result.itemId === 'simpleqa-5')!;
    expect(q5.grades.answer).toMatchObject({ unscored: true, unscoredReason: 'parse-failure', value: null });
    const q3 = benchmark.results.find((result) => result.itemId === 'simpleqa-3')!;
    expect(q3.grades.answer).toMatchObject({ label: 'not-attempted', value: 0 });
    // The grader saw the question, the gold answer and the predicted answer.
    const q1Prompt = graderModel.calls
      .map((call) => call.messages.at(-1)!.content)
      .find((text) => text.includes('Q1'))!;
    expect(q1Prompt).toContain('<gold_answer>\nAda\n</gold_answer>');
    expect(q1Prompt).toContain('<predicted_answer>\nAda.\n</predicted_answer>');
  });

  it('a grader outage stops the run with the role named, never unscored rows', async () => {
    const file = path.join(folder, 'simple_qa_test_set.csv');
    writeFileSync(file, csv);
    const options = testEvalOptions({ folder, benchmarks: [simpleQa], target: scriptedModel(['Ada']) });
    options.dataPaths = { simpleqa: file };
    options.grader = {
      role: 'grader',
      client: createModelClient(scriptedModel(() => new Error('connect ECONNREFUSED 127.0.0.1:9'))),
    };
    await expect(runEval(...evalArgs(options))).rejects.toThrow(/grader role.*unavailable/);
  });

  it('without a grader role the benchmark says how to add one', async () => {
    const file = path.join(folder, 'simple_qa_test_set.csv');
    writeFileSync(file, csv);
    const options = testEvalOptions({ folder, benchmarks: [simpleQa], target: scriptedModel(['Ada']) });
    options.dataPaths = { simpleqa: file };
    await expect(runEval(...evalArgs(options))).rejects.toThrow(/graded by the grader role/);
  });

  it('parses the grade strictly from the last line', () => {
    expect(parseSimpleQaGrade('reasons\nNOT_ATTEMPTED')).toBe('NOT_ATTEMPTED');
    expect(parseSimpleQaGrade('reasons\nnot attempted')).toBe('NOT_ATTEMPTED');
    expect(parseSimpleQaGrade('CORRECT\nbut on reflection it is wrong')).toBeNull();
    expect(parseSimpleQaGrade('INCORRECT or CORRECT')).toBeNull();
    expect(parseSimpleQaGrade('')).toBeNull();
  });

  it('f_score is the harmonic mean, 0 when nothing is correct', () => {
    expect(simpleQaFScore(['correct', 'correct'])).toBe(1);
    expect(simpleQaFScore(['incorrect', 'not-attempted'])).toBe(0);
    expect(simpleQaFScore(['correct', 'not-attempted'])).toBeCloseTo((2 * 0.5 * 1) / 1.5, 12);
    expect(simpleQaFScore([])).toBeNull();
  });
});
