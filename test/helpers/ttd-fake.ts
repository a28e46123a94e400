/**
 * A fake upstream for test-time deliberation (grading/deliberate-at-test-time.ts): tells the draft, check and revise
 * requests apart by what they carry, answers each with known usage, and plays a scripted list of check findings.
 */
import type { ChatRequestBody, FakeHandler, FakeReply } from './fake-openai-server.js';

export type TtdStep = 'draft' | 'check' | 'revise';

/** Which deliberation call a request is: a check asks for JSON; a revision ends on the review's user turn. */
export function ttdStepOf(body: ChatRequestBody): TtdStep {
  if (body.response_format !== undefined) return 'check';
  const last = body.messages.at(-1);
  return last?.role === 'user' && String(last.content).startsWith('Before this reply is sent') ? 'revise' : 'draft';
}

export interface TtdFakeOptions {
  /** The rule ids each check round reports, in order; rounds past the list find nothing. */
  checks: string[][];
  /** Replace the reply of the n-th request (0-based), e.g. with an HTTP error. */
  override?: Record<number, FakeReply>;
}

/** Usage per step, so a test can assert the sum: draft 100+10, check 200+20, revise 300+30 (prompt+completion). */
export const ttdUsage: Record<TtdStep, { prompt_tokens: number; completion_tokens: number }> = {
  draft: { prompt_tokens: 100, completion_tokens: 10 },
  check: { prompt_tokens: 200, completion_tokens: 20 },
  revise: { prompt_tokens: 300, completion_tokens: 30 },
};

export function ttdFakeHandler(options: TtdFakeOptions): FakeHandler {
  let checks = 0;
  let revisions = 0;
  return (body, index) => {
    const override = options.override?.[index];
    if (override) return override;
    const step = ttdStepOf(body);
    const usage = { ...ttdUsage[step], total_tokens: ttdUsage[step].prompt_tokens + ttdUsage[step].completion_tokens };
    if (step === 'check') {
      const ruleIds = options.checks[checks] ?? [];
      checks += 1;
      const violations = ruleIds.map((ruleId) => ({ ruleId, problem: `breaks ${ruleId}` }));
      return { content: JSON.stringify({ violations }), usage };
    }
    if (step === 'revise') {
      revisions += 1;
      return { content: `REVISED-${revisions}`, usage };
    }
    return { content: 'DRAFT', usage };
  };
}
