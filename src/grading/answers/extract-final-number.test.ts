import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractFinalNumber, gsm8kReferenceAnswer, sameNumber } from './extract-final-number.js';

describe('extractFinalNumber', () => {
  it.each([
    ['She makes $18 a day.\n#### 18', 18, 'hash-marker'],
    ['Step 1: 16 - 3 - 4 = 9. Step 2: 9 * 2 = 18.\nThe answer is $18.', 18, 'answer-phrase'],
    ['So the total is \\boxed{1,000} dollars, not 900.', 1000, 'boxed'],
    ['\\boxed{\\$42.50}', 42.5, 'boxed'],
    ['\\boxed{\\frac{3}{4}}', 0.75, 'boxed'],
    ['\\boxed{\\text{18 eggs}}', 18, 'boxed'],
    ['Answer: 72 km/h', 72, 'answer-phrase'],
    ['**Final answer:** 25%', 25, 'answer-phrase'],
    ['The temperature fell to −5 degrees.', -5, 'last-number'],
    ['To answer this, take 5 apples and 13 pears: 18 fruit in all.', 18, 'last-number'],
    ['<think>maybe 7? or 9</think>It is 12 bolts.', 12, 'last-number'],
    ['The answer is 3 bolts. (Check: 2 + 1 = 3.)', 3, 'answer-phrase'],
  ])('%j → %d (%s)', (answer, value, method) => {
    const extracted = extractFinalNumber(answer);
    expect(extracted?.value).toBe(value);
    expect(extracted?.method).toBe(method);
  });

  it('is null when there is no number, and when the reasoning never ended', () => {
    expect(extractFinalNumber('I am not sure how to solve this.')).toBeNull();
    expect(extractFinalNumber('<think>16 - 3 = 13, then 13 * 2')).toBeNull();
    expect(extractFinalNumber('\\boxed{x}')).toBeNull();
  });

  it('compares numbers, not strings', () => {
    expect(sameNumber(18, 18.0)).toBe(true);
    expect(sameNumber(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameNumber(18, 18.01)).toBe(false);
  });

  it('reads the GSM8K reference after ####', () => {
    expect(gsm8kReferenceAnswer('2 + 2 = <<2+2=4>>4\n#### 1,234')).toBe(1234);
    expect(gsm8kReferenceAnswer('no marker')).toBeNull();
  });
});

const solutions = path.resolve(import.meta.dirname, '../../../../shared/data/gsm8k/example_model_solutions.jsonl');

describe.skipIf(!existsSync(solutions))(`GSM8K labelled model solutions (${solutions})`, () => {
  it('agrees with the published correctness labels on 5,276 GPT-3 solutions', () => {
    const rows = readFileSync(solutions, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    let agree = 0;
    let total = 0;
    let unscored = 0;
    for (const row of rows) {
      const truth = extractFinalNumber(String(row.ground_truth).replace(/\nA: /, '\n#### '));
      for (const key of ['6b_finetuning', '6b_verification', '175b_finetuning', '175b_verification']) {
        const solution = row[key] as { is_correct: boolean; solution: string };
        total += 1;
        const extracted = extractFinalNumber(solution.solution);
        if (!extracted || !truth) {
          unscored += 1;
          continue;
        }
        if (sameNumber(extracted.value, truth.value) === solution.is_correct) agree += 1;
      }
    }
    console.info(`GSM8K extractor: ${agree}/${total} agree with the labels, ${unscored} unscored`);
    expect(total).toBe(5276);
    expect(agree / (total - unscored)).toBeGreaterThan(0.999);
    expect(unscored / total).toBeLessThan(0.01);
  });
});
