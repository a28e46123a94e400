/**
 * @module servers/guard/guard-modes
 * The guard's modes as one small table: what each adds around the upstream call. `revise` has its own `answer` step:
 * test-time deliberation (grading/deliberate-at-test-time.ts, the same function as the eval's `role+ttd` arm).
 */
import { type DeliberationOutcome, deliberateAtTestTime } from '../../grading/deliberate-at-test-time.js';
import type { GenerateRequest } from '../../models/chat-model.js';
import type { GenerateOutcome } from '../../models/outcome.js';
import type { GuardModeName } from '../../records/guard-settings.js';
import type { Message } from '../../records/message.js';
import type { Guard } from './guard-context.js';

/** What an answer step gets: the request for one upstream call, the client's conversation without the spec, and
 * spec(category). */
export interface AnswerInput {
  request: GenerateRequest;
  conversation: Message[];
  specText: string;
}

/** How a mode gets its answer from the upstream when one call is not enough. */
export type AnswerStep = (guard: Guard, input: AnswerInput) => Promise<GenerateOutcome | DeliberationOutcome>;

export interface GuardMode {
  /** spec(category) goes in front of the conversation sent upstream (as the eval's `role+spec` arm does). */
  specInContext: boolean;
  /** A policy check of the conversation before the upstream call and of the answer after it. */
  policyChecks: boolean;
  /** Absent: one upstream call. A mode with its own step cannot stream tokens through (it is buffered). */
  answer?: AnswerStep;
}

/** Draft with the spec in context, check the draft against its rules, revise; `guard.passes` check rounds. */
const reviseAnswer: AnswerStep = (guard, input) =>
  deliberateAtTestTime(guard.upstream.client, { ...input.request, messages: input.conversation }, input.specText, {
    passes: guard.settings.passes,
  });

export const guardModes: Record<GuardModeName, GuardMode> = {
  deliberate: { specInContext: true, policyChecks: false },
  moderate: { specInContext: false, policyChecks: true },
  both: { specInContext: true, policyChecks: true },
  revise: { specInContext: true, policyChecks: false, answer: reviseAnswer },
};
