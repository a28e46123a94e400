/**
 * @module servers/guard/policy-response
 * What the client gets on a violation, in the spec's own style: for `block`, the refusal style guide's first good
 * example (or `guard.refusalText`); for `safe-complete`, an answer the upstream writes with spec(category) and the
 * cited rules in front of it, following the safe-completion style guide.
 */
import type { Message } from '../../records/message.js';
import type { Spec } from '../../records/spec.js';
import { specInContextMessages, specInContextText } from '../../spec/spec-in-context.js';

export const fallbackRefusalText = "I'm sorry, but I can't help with that.";

function unquote(text: string): string {
  const match = /^["“](.*)["”]$/s.exec(text.trim());
  return match ? match[1]! : text.trim();
}

/** The refusal for `block`: configured text, else the spec's refusal style (global guides before per-category ones). */
export function refusalText(spec: Spec, configured: string | undefined): string {
  if (configured) return configured;
  const guides = spec.styleGuides
    .filter((guide) => guide.action === 'refuse' && guide.goodExamples.length > 0)
    .sort((a, b) => Number(a.categoryId !== null) - Number(b.categoryId !== null));
  const example = guides[0]?.goodExamples[0];
  return example ? unquote(example) : fallbackRefusalText;
}

/** The upstream's messages for a safe completion: the conversation with spec(category) and the check's finding. */
export function safeCompletionMessages(
  spec: Spec,
  messages: readonly Message[],
  finding: { categories: readonly string[]; ruleIds: readonly string[] },
): Message[] {
  const cited = [...finding.ruleIds, ...finding.categories].join(', ') || 'the spec';
  const instruction = [
    `A policy check found that a full answer to this conversation would break ${cited}; the spec calls for a safe completion.`,
    "Answer in the spec's safe-completion style: help with what is safe or with the need behind the request, and leave out what the rules refuse.",
  ].join(' ');
  return specInContextMessages(messages, [specInContextText(spec, finding.categories), instruction]);
}
