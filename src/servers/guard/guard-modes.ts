/**
 * @module servers/guard/guard-modes
 * The guard's modes as one small table: what each adds around the upstream call. A new mode (e.g. a test-time
 * revise loop shared with an eval arm) is one more row, with its own `answer` step when it needs more than one call.
 */
import type { GenerateRequest } from '../../models/chat-model.js';
import type { ModelClient } from '../../models/model-client.js';
import type { GenerateOutcome } from '../../models/outcome.js';
import type { GuardModeName } from '../../records/guard-settings.js';

/** How a mode gets its answer from the upstream; default: one call with the (spec-augmented) messages. */
export type AnswerStep = (upstream: ModelClient, request: GenerateRequest) => Promise<GenerateOutcome>;

export interface GuardMode {
  /** spec(category) goes in front of the conversation sent upstream (as the eval's `role+spec` arm does). */
  specInContext: boolean;
  /** A policy check of the conversation before the upstream call and of the answer after it. */
  policyChecks: boolean;
  /** Absent: one upstream call. A mode with its own step cannot stream tokens through (it is buffered). */
  answer?: AnswerStep;
}

export const guardModes: Record<GuardModeName, GuardMode> = {
  deliberate: { specInContext: true, policyChecks: false },
  moderate: { specInContext: false, policyChecks: true },
  both: { specInContext: true, policyChecks: true },
};

export const singleCallAnswer: AnswerStep = (upstream, request) => upstream.generate(request);
