/**
 * @module evals/answers/extract-choice-letter
 * The letter a multiple-choice answer chose (MMLU, MMLU-Pro, the user's own). Reasoning is removed first, then, in
 * order: the last `\boxed{}`; the last "answer is (C)" / "Answer: C" / "correct option is C"; a last line that is only
 * a letter ("(C)", "C.", "C) Paris"); a last line equal to one option's text. Letters the reasoning merely mentions
 * ("A is wrong because…") are never read as the answer: no pattern matched means null (unscored), never a guess.
 */
import { boxedContents, finalAnswerText } from './final-answer-text.js';

export type ChoiceExtractionMethod = 'boxed' | 'answer-phrase' | 'final-line' | 'option-text';

export interface ExtractedChoice {
  letter: string;
  method: ChoiceExtractionMethod;
}

export interface ChoiceOptions {
  /** The valid letters, e.g. `ABCD` (MMLU) or `ABCDEFGHIJ` (MMLU-Pro). */
  letters: string;
  /** The options' texts in letter order, to recognise an answer that repeats one option. */
  optionTexts?: readonly string[];
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\s.。]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A letter standing alone: `C`, `(C)`, `C.`, `C)`, `[C]`, `C: text`; lowercase only inside brackets. */
function standaloneLetter(text: string, letters: string): string | null {
  const match = /^\s*(?:\(([A-Za-z])\)|\[([A-Za-z])\]|([A-Z])(?:[.):]|\s|$))/.exec(
    text.replace(/^\\text\{(.*)\}$/, '$1'),
  );
  if (!match) return null;
  const letter = (match[1] ?? match[2] ?? match[3])!.toUpperCase();
  return letters.includes(letter) ? letter : null;
}

// A connector ("is", ":", "=") is required, so "Option A is wrong because…" in the reasoning is not an answer.
const answerPhrase =
  /\b(?:answer|(?:correct|right|best) (?:option|choice))\s*(?:is|:|=|would be|will be|should be)\s*[:=]?\s*(?:option\s+|choice\s+|letter\s+)?(\(?[A-Za-z]\)?)(?![A-Za-z0-9])/gi;

function fromAnswerPhrase(text: string, letters: string): string | null {
  for (const match of [...text.matchAll(answerPhrase)].reverse()) {
    const token = match[1]!;
    // A bare lowercase letter is usually a word ("the answer is a mix"); in brackets it is a choice.
    if (!token.startsWith('(') && token !== token.toUpperCase()) continue;
    const letter = token.replace(/[()]/g, '').toUpperCase();
    if (letters.includes(letter)) return letter;
  }
  return null;
}

/** The chosen letter, or null when the answer does not say one in a recognised form. */
export function extractChoiceLetter(answer: string, options: ChoiceOptions): ExtractedChoice | null {
  const text = finalAnswerText(answer);
  const boxed = boxedContents(text).at(-1);
  if (boxed !== undefined) {
    const letter = standaloneLetter(boxed.trim(), options.letters) ?? optionTextLetter(boxed, options);
    return letter ? { letter, method: 'boxed' } : null;
  }
  const phrase = fromAnswerPhrase(text, options.letters);
  if (phrase) return { letter: phrase, method: 'answer-phrase' };
  const lastLine =
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .at(-1) ?? '';
  const finalLine = standaloneLetter(lastLine, options.letters);
  if (finalLine) return { letter: finalLine, method: 'final-line' };
  const optionText = optionTextLetter(lastLine, options);
  return optionText ? { letter: optionText, method: 'option-text' } : null;
}

function optionTextLetter(line: string, options: ChoiceOptions): string | null {
  if (!options.optionTexts || normalise(line) === '') return null;
  const matches = options.optionTexts.flatMap((option, index) =>
    normalise(option) === normalise(line) ? [options.letters[index]!] : [],
  );
  return matches.length === 1 ? matches[0]! : null;
}

/** The letters for n options: 4 → `ABCD`. */
export function choiceLetters(count: number): string {
  return 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.slice(0, count);
}
