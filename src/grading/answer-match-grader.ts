/**
 * @module grading/answer-match-grader
 * Deterministic graders for capability benchmarks: the final number (GSM8K), the chosen letter (multiple choice) or
 * the normalised short answer (exact match) against the item's reference. No model is called. An answer in which
 * nothing can be read is unscored (`no-answer-found`), never counted as wrong; an item without a reference is
 * unscored (`no-reference`).
 */
import type { Grade } from '../records/grade.js';
import { choiceLetters, extractChoiceLetter } from './answers/extract-choice-letter.js';
import { extractFinalNumber, parseNumberToken, sameNumber } from './answers/extract-final-number.js';
import { extractShortAnswer, shortAnswerMatches } from './answers/normalise-short-answer.js';
import { type Graded, type GradeInput, type Grader, graded, type Unscored, unscored } from './grader.js';

export type AnswerMatchKind = 'final-number' | 'multiple-choice' | 'exact-match';

export const answerMatchGraderIds: Record<AnswerMatchKind, string> = {
  'final-number': 'final-number-match@1',
  'multiple-choice': 'choice-letter-match@1',
  'exact-match': 'exact-match@1',
};

/**
 * What the grader reads from `metadata`: `reference` (the number, the letter, or the answer; a string), plus
 * `references` (more accepted answers, exact match) and `choices` (the option texts, multiple choice).
 */
function referencesOf(metadata: Record<string, unknown>): string[] {
  const more = Array.isArray(metadata.references) ? metadata.references.map(String) : [];
  const first = metadata.reference === undefined || metadata.reference === null ? [] : [String(metadata.reference)];
  return [...first, ...more].filter((reference) => reference.trim() !== '');
}

function matched(graderId: string, correct: boolean, details: Grade['details']): Graded<Grade> {
  return graded(graderId, { value: correct ? 1 : 0, label: correct ? 'correct' : 'incorrect', details });
}

function gradeAnswer(kind: AnswerMatchKind, input: GradeInput): Graded<Grade> | Unscored<Grade> {
  const graderId = answerMatchGraderIds[kind];
  const metadata = input.metadata ?? {};
  const references = referencesOf(metadata);
  if (references.length === 0)
    return unscored(graderId, 'no-reference', { explanation: `item ${input.itemId} has no reference answer` });
  const answer = input.response.answer;
  if (kind === 'final-number') {
    const reference = parseNumberToken(references[0]!);
    if (reference === null)
      return unscored(graderId, 'no-reference', { explanation: `reference "${references[0]}" is not a number` });
    const extracted = extractFinalNumber(answer);
    if (!extracted) return unscored(graderId, 'no-answer-found', { explanation: 'no number in the answer' });
    return matched(graderId, sameNumber(extracted.value, reference), {
      extracted: extracted.value,
      method: extracted.method,
      reference,
    });
  }
  if (kind === 'multiple-choice') {
    const choices = Array.isArray(metadata.choices) ? metadata.choices.map(String) : undefined;
    const letters = choices ? choiceLetters(choices.length) : choiceLetters(26);
    const extracted = extractChoiceLetter(answer, { letters, optionTexts: choices });
    if (!extracted)
      return unscored(graderId, 'no-answer-found', { explanation: 'no choice letter in a recognised form' });
    const reference = references[0]!.trim().toUpperCase();
    return matched(graderId, extracted.letter === reference, {
      extracted: extracted.letter,
      method: extracted.method,
      reference,
    });
  }
  const extracted = extractShortAnswer(answer);
  if (!extracted)
    return unscored(graderId, 'no-answer-found', { explanation: 'the answer is empty once reasoning is removed' });
  return matched(graderId, shortAnswerMatches(extracted.text, references), {
    extracted: extracted.text.slice(0, 200),
    method: extracted.method,
    reference: references.join(' | ').slice(0, 200),
  });
}

/** A deterministic grader of the given kind. */
export function createAnswerMatchGrader(kind: AnswerMatchKind): Grader {
  return {
    id: answerMatchGraderIds[kind],
    doGrade: async (input) => gradeAnswer(kind, input),
  };
}
