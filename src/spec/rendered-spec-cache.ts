/**
 * @module spec/rendered-spec-cache
 * spec(category) rendered once per spec and category set, not once per prompt: the teacher stage and the grader
 * client hold one each.
 */
import type { Prompt } from '../records/prompt.js';
import type { Spec } from '../records/spec.js';
import { renderSpecForPrompt } from './render-spec.js';

export type RenderSpecForPrompt = (spec: Spec, prompt: Pick<Prompt, 'id' | 'categories'>) => string;

/** A `renderSpecForPrompt` that remembers each (spec hash, category set) it rendered. */
export function createRenderedSpecCache(): RenderSpecForPrompt {
  const rendered = new Map<string, string>();
  return (spec, prompt) => {
    const key = [spec.hash, ...prompt.categories].join('\u0000');
    let text = rendered.get(key);
    if (text === undefined) {
      text = renderSpecForPrompt(spec, prompt);
      rendered.set(key, text);
    }
    return text;
  };
}
