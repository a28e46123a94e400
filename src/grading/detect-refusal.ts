/**
 * @module grading/detect-refusal
 * The one refusal check the rest of deliberate asks: the pipeline counts teacher refusals on prompts whose
 * `idealAction` is comply and measures hint agreement with it, and the judge parser tells a judge that declined to
 * grade from one that wrote unparsable prose. It is the offline refusal detector (./refusal-grader.ts) read as a
 * yes/no: a full or a partial refusal is a refusal; compliance or undetermined is not.
 */
import { type ClassifyRefusalOptions, classifyRefusal } from './refusal-grader.js';

/**
 * true when the offline refusal detector calls the answer a refusal or a partial refusal.
 * @example
 * looksLikeRefusal("I'm sorry, but I can't help with that."); // true
 */
export function looksLikeRefusal(answer: string, options: ClassifyRefusalOptions = {}): boolean {
  const { label } = classifyRefusal(answer, options);
  return label === 'refusal' || label === 'partial-refusal';
}
