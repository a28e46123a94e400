/**
 * @module servers/guard/guard-headers
 * The decision on every response: `x-deliberate-guard-decision`, `-rules`, `-categories` and `-request-id` (the
 * key of the request's audit entry). When an answer is streamed before its output check, these carry the input
 * decision and the final one is in the last chunk's `deliberate_guard` field and in the audit log.
 */
import type { RequestState } from './guard-context.js';

export const guardHeaderNames = {
  decision: 'x-deliberate-guard-decision',
  rules: 'x-deliberate-guard-rules',
  categories: 'x-deliberate-guard-categories',
  requestId: 'x-deliberate-guard-request-id',
} as const;

export function guardHeaders(state: RequestState): Record<string, string> {
  return {
    [guardHeaderNames.decision]: state.decision,
    [guardHeaderNames.rules]: state.ruleIds.join(','),
    [guardHeaderNames.categories]: state.decisionCategories.join(','),
    [guardHeaderNames.requestId]: state.identity.id,
  };
}

/** The same, as the body field `deliberate_guard` of a completion or the last chunk. */
export function guardBodyField(state: RequestState) {
  return {
    decision: state.decision,
    rule_ids: state.ruleIds,
    categories: state.decisionCategories,
    request_id: state.identity.id,
  };
}
