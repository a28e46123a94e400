/**
 * @module servers/guard/upstream-reply
 * An upstream outcome as the guard's reply: the answer (and reasoning) on success; the upstream's own refusal, or
 * its empty answer when the budget ran out, as they are; any other failure as an HTTP error (upstream-error.ts).
 */
import type { DeliberationOutcome } from '../../grading/deliberate-at-test-time.js';
import type { GenerateOutcome } from '../../models/outcome.js';
import { wireFinishReason } from './chat-response.js';
import type { GuardReply, RequestState } from './guard-context.js';
import type { ErrorReply } from './send-reply.js';
import { upstreamErrorReply } from './upstream-error.js';

export type UpstreamReply = { ok: true; reply: GuardReply } | { ok: false; error: ErrorReply };

export function upstreamReply(
  outcome: GenerateOutcome | DeliberationOutcome,
  role: string,
  state: RequestState,
): UpstreamReply {
  state.upstreamOutcome = outcome.ok ? 'success' : outcome.kind;
  // Revise mode: a check that failed (even by refusing to check) leaves no answer to pass on, only the error.
  if (!outcome.ok && 'deliberation' in outcome && outcome.deliberation.failedStep === 'check') {
    return { ok: false, error: upstreamErrorReply(outcome, role) };
  }
  const result = outcome.result;
  if (outcome.ok || (result && outcome.kind !== 'transport-failure' && outcome.kind !== 'cancelled')) {
    const reply: GuardReply = {
      answer: result!.answer,
      reasoning: result!.reasoning,
      finishReason: wireFinishReason(result!.finishReason),
      usage: outcome.usage ?? result!.usage,
    };
    if (!outcome.ok && outcome.kind === 'provider-refusal') {
      reply.refusal = result!.refusal ?? outcome.message;
      reply.finishReason = 'content_filter';
    }
    return { ok: true, reply };
  }
  if (outcome.kind === 'provider-refusal') {
    // A refusal answered with an HTTP error (a 400 naming a content policy): the upstream's own refusal.
    const usage = outcome.usage ?? { promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cachedTokens: 0 };
    return {
      ok: true,
      reply: { answer: '', reasoning: null, finishReason: 'content_filter', usage, refusal: outcome.message },
    };
  }
  return { ok: false, error: upstreamErrorReply(outcome, role) };
}
