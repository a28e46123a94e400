import { describe, expect, it } from 'vitest';
import { choiceLetters, extractChoiceLetter } from './extract-choice-letter.js';

const four = { letters: 'ABCD', optionTexts: ['Paris', 'Lyon', 'Marseille', 'Nice'] };

describe('extractChoiceLetter', () => {
  /** Answers and the letter read from them, by the method that reads it. */
  const cases: Record<string, Array<[string, string]>> = {
    'answer-phrase': [
      ['The answer is (C).', 'C'],
      ['Answer: B', 'B'],
      ['**Answer: D**', 'D'],
      ['Option A is wrong because it ignores friction. B and D also fail.\nThe correct option is C.', 'C'],
      ['<think>The answer is A? No.</think>The answer is (d)', 'D'],
      ['the answer is option J', 'J'],
    ],
    boxed: [
      ['A is tempting, but (B) fits better.\nFinal answer: $\\boxed{\\text{B}}$', 'B'],
      ['\\boxed{(D)}', 'D'],
    ],
    'final-line': [
      ['First I rule out A and D.\n(B)', 'B'],
      ['Reasoning about A, B and C...\nC) Marseille', 'C'],
    ],
    'option-text': [['After weighing them all:\nParis', 'A']],
  };
  const table = Object.entries(cases).flatMap(([method, list]) =>
    list.map(([answer, letter]) => [answer, letter, method]),
  );
  it.each(table)('%j → %s (%s)', (answer, letter, method) => {
    const letters = letter === 'J' ? choiceLetters(10) : four.letters;
    expect(extractChoiceLetter(answer, { ...four, letters })).toEqual({ letter, method });
  });

  it('never guesses from letters the reasoning merely mentions', () => {
    expect(extractChoiceLetter('Option A is wrong, and B is not much better; C might work.', four)).toBeNull();
    expect(extractChoiceLetter('The answer is a matter of definition.', four)).toBeNull();
    expect(extractChoiceLetter('A', { letters: 'ABCD' })).toEqual({ letter: 'A', method: 'final-line' });
    // E is not one of four options
    expect(extractChoiceLetter('The answer is (E).', four)).toBeNull();
    expect(extractChoiceLetter('<think>The answer is (B)', four)).toBeNull();
  });
});
