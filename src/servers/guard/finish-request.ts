/**
 * @module servers/guard/finish-request
 * The end of every request, whatever its path: one audit entry and one decision count, from the same state.
 */
import { POLICY_CHECK_VERSION } from '../../grading/policy-check.js';
import { auditContent } from './guard-audit-log.js';
import { clientMessages, type Guard, type RequestState } from './guard-context.js';
import { guardModes } from './guard-modes.js';

export interface FinishInput {
  status: number;
  errorCode?: string | null;
  answer: string | null;
  stream: boolean;
}

export function finishRequest(guard: Guard, state: RequestState, input: FinishInput): void {
  guard.metrics.decisions.inc({ mode: guard.mode, decision: state.decision });
  const full = guard.audit.contentMode === 'full';
  guard.audit.write({
    schemaVersion: 1,
    kind: 'deliberate-guard-audit',
    time: guard.now().toISOString(),
    requestId: state.identity.id,
    mode: guard.mode,
    dryRun: guard.dryRun,
    model: guard.modelName,
    upstream: { role: guard.upstream.role, modelId: guard.upstream.client.id },
    specHash: guard.spec.hash,
    policyCheckVersion: guardModes[guard.mode].policyChecks ? POLICY_CHECK_VERSION : null,
    categories: state.categories,
    categorySource: state.categorySource,
    checks: state.checks.map((check) => (check.ok && !full ? { ...check, rationale: undefined } : check)),
    decision: state.decision,
    ruleIds: state.ruleIds,
    decisionCategories: state.decisionCategories,
    status: input.status,
    errorCode: input.errorCode ?? null,
    upstreamOutcome: state.upstreamOutcome,
    stream: input.stream,
    latencyMs: Math.round(performance.now() - state.started),
    ...(state.deliberation ? { deliberation: state.deliberation } : {}),
    content: auditContent(guard.audit.contentMode, clientMessages(state), input.answer),
  });
}
