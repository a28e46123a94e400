import { describe, expect, it } from 'vitest';
import { choiceLetters, extractChoiceLetter } from './extract-choice-letter.js';

const four = { letters: 'ABCD', optionTexts: ['Paris', 'Lyon', 'Marseille', 'Nice'] };

describe('extractChoiceLetter', () => {
  it.each([
    ['The answer is (C).', 'C', 'answer-phrase'],
    ['Answer: B', 'B', 'answer-phrase'],
    ['**Answer: D**', 'D', 'answer-phrase'],
    [
      'Option A is wrong because it ignores friction. B and D also fail.\nThe correct option is C.',
      'C',
      'answer-phrase',
    ],
    ['A is tempting, but (B) fits better.\nFinal answer: $\\boxed{\\text{B}}$', 'B', 'boxed'],
    ['\\boxed{(D)}', 'D', 'boxed'],
    ['First I rule out A and D.\n(B)', 'B', 'final-line'],
    ['Reasoning about A, B and C...\nC) Marseille', 'C', 'final-line'],
    ['After weighing them all:\nParis', 'A', 'option-text'],
    ['<think>The answer is A? No.</think>The answer is (d)', 'D', 'answer-phrase'],
    ['the answer is option J', 'J', 'answer-phrase'],
  ])('%j → %s (%s)', (answer, letter, method) => {
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
