/**
 * @module spec/spec-in-context
 * The spec at inference time: how a `role+spec` eval arm and the guard's deliberate mode put the spec in front of
 * a model. One function for both, so a guarded model and the eval's spec-in-context baseline see the same bytes.
 */
import type { Message } from '../records/message.js';
import type { Spec } from '../records/spec.js';
import { renderSpec } from './render-spec.js';

/** spec(categories) for the given category ids, or the summary-only spec when there are none. */
export function specInContextText(spec: Spec, categoryIds: readonly string[]): string {
  return categoryIds.length === 0 ? renderSpec(spec, { summaryOnly: true }) : renderSpec(spec, { categoryIds });
}

/**
 * The conversation with `systemParts` (the rendered spec first, then e.g. a benchmark's system prompt) in front:
 * joined by a blank line into the conversation's own first system message (its text last), or as a new one.
 */
export function specInContextMessages(messages: readonly Message[], systemParts: readonly string[]): Message[] {
  if (systemParts.length === 0) return [...messages];
  const [first, ...rest] = messages;
  if (first?.role === 'system') {
    return [{ ...first, content: [...systemParts, first.content].join('\n\n') }, ...rest];
  }
  return [{ role: 'system', content: systemParts.join('\n\n') }, ...messages];
}
