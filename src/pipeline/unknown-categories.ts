/**
 * @module pipeline/unknown-categories
 * Prompts naming categories the spec does not define, and the error that lists them (shared by the categorise stage
 * and `prompts prepare`, which streams and so counts them as it goes).
 */
import { DataError } from '../errors.js';
import type { Prompt } from '../records/prompt.js';
import type { Spec } from '../records/spec.js';

/** Whether the prompt names a category the spec does not define (`known`: the spec's category ids). */
export function hasUnknownCategory(prompt: Prompt, known: ReadonlySet<string>): boolean {
  return prompt.categories.some((id) => !known.has(id));
}

/** `count` prompts name categories the spec does not define; `first`: up to five of them, in file order. */
export function unknownCategoriesError(
  first: readonly Prompt[],
  count: number,
  spec: Spec,
  location: string | undefined,
): DataError {
  const known = new Set(spec.categories.map((category) => category.id));
  const listed = first
    .slice(0, 5)
    .map((prompt) => `${prompt.id} (${prompt.categories.filter((id) => !known.has(id)).join(', ')})`);
  return new DataError(
    `${count} prompt${count === 1 ? ' names' : 's name'} categories the spec does not define: ${listed.join('; ')}${count > 5 ? '; …' : ''}`,
    {
      location: location ?? `prompt ${first[0]!.id}`,
      hint: `use the spec's category ids (${[...known].join(', ')}), leave categories empty, or pass --skip-invalid`,
    },
  );
}
