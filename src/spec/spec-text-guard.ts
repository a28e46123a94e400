/**
 * @module spec/spec-text-guard
 * The guard that keeps spec text out of training prompts: deliberative-alignment SFT and RL prompts are the
 * ORIGINAL conversation, so a prompt that contains a rule or summary of the spec is a pipeline bug, and export fails.
 */
import { DataError } from '../errors.js';
import type { Spec } from '../records/spec.js';

/** Forbidden texts shorter than this (after whitespace normalisation) are not checked: they match ordinary prose. */
export const minimumSpecTextLength = 20;

/** Collapses runs of whitespace to one space and trims: the form every text comparison in export uses. */
export function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Finds spec texts inside prompt texts. Build it once per export with the spec's summary and rule texts. */
export interface SpecTextGuard {
  /** How many forbidden texts are long enough to be checked. */
  readonly checkedTexts: number;
  /** The first forbidden text found in `text`, or undefined. */
  find(text: string): string | undefined;
  /** Throws a DataError naming the row and the leaked text when `text` contains a forbidden text. */
  assertAbsent(text: string, where: { rowId: string; location: string; part: string }): void;
}

/** Creates the guard; texts are compared with whitespace normalised, case-sensitively. */
export function createSpecTextGuard(forbiddenTexts: readonly string[] = []): SpecTextGuard {
  const texts = [...new Set(forbiddenTexts.map(normalizeWhitespace))].filter(
    (text) => text.length >= minimumSpecTextLength,
  );
  const find = (text: string): string | undefined => {
    if (texts.length === 0) return undefined;
    const normalized = normalizeWhitespace(text);
    return texts.find((forbidden) => normalized.includes(forbidden));
  };
  return {
    checkedTexts: texts.length,
    find,
    assertAbsent(text, where) {
      const leaked = find(text);
      if (leaked === undefined) return;
      throw new DataError(`row ${where.rowId}: the ${where.part} contains spec text: "${excerpt(leaked)}"`, {
        location: where.location,
        hint: 'export the original conversation, without the spec(category) text the teacher saw; check how the select stage builds TrainingExample.messages',
      });
    },
  };
}

/** The first 80 characters of a text, for error messages. */
export function excerpt(text: string, length = 80): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}

/** Every spec text long enough to recognise: none may appear in an exported prompt. */
export function specTexts(spec: Spec): string[] {
  return [
    spec.globalSummary,
    spec.principles,
    spec.precedenceText,
    ...spec.categories.flatMap((category) => [
      category.summary,
      category.notes,
      ...category.definitions.map((definition) => definition.text),
      ...category.rules.map((rule) => rule.text),
    ]),
    ...spec.styleGuides.map((guide) => guide.text),
  ].filter((text) => text.trim() !== '');
}
