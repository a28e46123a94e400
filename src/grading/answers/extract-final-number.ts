/**
 * @module evals/answers/extract-final-number
 * The final number of a math answer (GSM8K): the last `\boxed{}`, else the last `#### n`, else the last "answer is n" /
 * "Answer: n", else the last number in the answer. Reasoning is removed first; commas, currency signs, percent signs
 * and trailing units are dropped; `\frac{a}{b}` and `a/b` are divided. No number at all: null (unscored, never wrong).
 */
import { boxedContents, finalAnswerText } from './final-answer-text.js';

export type NumberExtractionMethod = 'boxed' | 'hash-marker' | 'answer-phrase' | 'last-number';

export interface ExtractedNumber {
  value: number;
  /** The text the number was read from. */
  text: string;
  method: NumberExtractionMethod;
}

const numberPattern = /-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*\/\s*\d+(?:\.\d+)?)?|-?\.\d+/g;

function normaliseMinus(text: string): string {
  return text.replace(/[\u2212\u2012\u2013]/g, '-');
}

/** Parses one number token: `1,234.5`, `3/4`, `-2`. */
export function parseNumberToken(token: string): number | null {
  const [numerator, denominator] = token.replace(/,/g, '').replace(/\s+/g, '').split('/');
  const value = Number(numerator);
  if (!Number.isFinite(value)) return null;
  if (denominator === undefined) return value;
  const divisor = Number(denominator);
  return Number.isFinite(divisor) && divisor !== 0 ? value / divisor : null;
}

/** Numbers in a piece of text, in order, after LaTeX fractions and money/percent signs are made plain. */
function numbersIn(text: string): Array<{ value: number; text: string }> {
  const plain = normaliseMinus(text)
    .replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, '$1/$2')
    .replace(/\\text\s*\{([^{}]*)\}/g, '$1')
    .replace(/\\[$%,!]/g, (sign) => (sign === '\\,' || sign === '\\!' ? '' : sign.slice(1)))
    .replace(/\$\s*(?=-?\d)/g, '')
    .replace(/(\d)\s*\\?%/g, '$1');
  const found: Array<{ value: number; text: string }> = [];
  for (const match of plain.matchAll(numberPattern)) {
    const value = parseNumberToken(match[0]);
    if (value !== null) found.push({ value, text: match[0] });
  }
  return found;
}

// "answer" needs a connector ("is", ":", "="), so "To answer this, take 5 apples" is not read as an answer.
const answerPhrase = /\banswer\s*(?:is|:|=|would be|will be)\s*[:=]?\s*(?:approximately\s+|about\s+)?([^\n]*)/gi;

/** The final number of an answer, or null when it holds none. */
export function extractFinalNumber(answer: string): ExtractedNumber | null {
  const text = finalAnswerText(answer);
  const boxed = boxedContents(text).at(-1);
  if (boxed !== undefined) {
    const number = numbersIn(boxed)[0];
    return number ? { ...number, method: 'boxed' } : null;
  }
  const hashMarker = [...text.matchAll(/####\s*([^\n]*)/g)].at(-1);
  if (hashMarker) {
    const number = numbersIn(hashMarker[1]!)[0];
    if (number) return { ...number, method: 'hash-marker' };
  }
  for (const phrase of [...text.matchAll(answerPhrase)].reverse()) {
    const number = numbersIn(phrase[1]!)[0];
    if (number) return { ...number, method: 'answer-phrase' };
  }
  const last = numbersIn(text).at(-1);
  return last ? { ...last, method: 'last-number' } : null;
}

/** Whether two numbers are the same answer (equal to 1e-6 relative, so 18 = 18.00 and 0.1 + 0.2 = 0.3). */
export function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The reference answer of a GSM8K solution: the text after `#### ` on its last line. */
export function gsm8kReferenceAnswer(solution: string): number | null {
  const marker = [...solution.matchAll(/####\s*([^\n]+)/g)].at(-1);
  if (!marker) return null;
  const number = numbersIn(marker[1]!)[0];
  return number ? number.value : null;
}
