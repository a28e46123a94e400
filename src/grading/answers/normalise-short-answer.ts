/**
 * @module evals/answers/normalise-short-answer
 * Exact match for short answers (the user's own QA set): the final answer is read (a `\boxed{}`, else the rest of an
 * "Answer:" / "the answer is" line, else the whole answer), then both sides are normalised as SQuAD does: lower case,
 * punctuation and the articles a/an/the removed, whitespace collapsed.
 */
import { boxedContents, finalAnswerText } from './final-answer-text.js';

/** Lower case, no punctuation, no articles, single spaces. */
export function normaliseShortAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The short answer an answer gives, or null when it is empty once reasoning is removed. */
export function extractShortAnswer(
  answer: string,
): { text: string; method: 'boxed' | 'answer-phrase' | 'whole' } | null {
  const text = finalAnswerText(answer);
  const boxed = boxedContents(text).at(-1);
  if (boxed !== undefined) return boxed.trim() === '' ? null : { text: boxed.trim(), method: 'boxed' };
  const phrase = [...text.matchAll(/\b(?:final answer|answer)\s*(?:is|:)\s*([^\n]+)/gi)].at(-1);
  if (phrase && phrase[1]!.trim() !== '') return { text: phrase[1]!.trim(), method: 'answer-phrase' };
  return text === '' ? null : { text, method: 'whole' };
}

/** Whether the answer matches one of the references after normalisation. */
export function shortAnswerMatches(answer: string, references: readonly string[]): boolean {
  const normalised = normaliseShortAnswer(answer);
  return references.some((reference) => normaliseShortAnswer(reference) === normalised);
}
