/**
 * @module servers/guard/policy-steps
 * The policy side of a request: the categories for spec(category), the check of the conversation before the
 * upstream call and of the answer after it, and what a violation turns into (per-category action, dry run,
 * refusal, safe completion, or an HTTP error). The classifier and the checks go through the grader client only
 * (guard.classify, guard.policyCheck). A check that cannot run (an outage) or gives no verdict (unscored, with its
 * reason), and a classifier that cannot run, follow `onModerationFailure`; a classifier answer that names no category
 * or is unscored leaves the summary-only spec.
 */

import { CancelledError } from '../../errors.js';
import { GraderUnavailableError } from '../../grading/create-grader-client.js';
import type { PolicyVerdict } from '../../grading/policy-check.js';
import type { GuardCheckRecord } from '../../records/guard-audit-entry.js';
import type { GuardCategoryAction } from '../../records/guard-settings.js';
import type { UnscoredReason } from '../../records/unscored-reason.js';
import { clientMessages, type Guard, type GuardReply, type RequestState } from './guard-context.js';
import { safeCompletionMessages } from './policy-response.js';
import type { ErrorReply } from './send-reply.js';
import { upstreamReply } from './upstream-reply.js';

type Stage = GuardCheckRecord['stage'];
/** A step's end: go on (with the reply so far), or answer now. */
export type StepResult =
  | { next: true; reply?: GuardReply }
  | { next: false; reply: GuardReply }
  | { error: ErrorReply };

/**
 * Categories from the classifier role; without one, or when its answer is unscored, none (so the summary-only spec).
 * A classifier outage follows `onModerationFailure`: fail-closed answers 503 `moderation_unavailable` naming the role,
 * fail-open goes on with the summary-only spec (decision `fail-open`). Either way it is counted.
 */
export async function chooseCategories(guard: Guard, state: RequestState): Promise<StepResult> {
  if (!guard.classify) return { next: true };
  try {
    const classification = await guard.classify.grade(
      { itemId: state.identity.id, messages: clientMessages(state) },
      { signal: state.signal, location: `request ${state.identity.id}` },
    );
    if (classification.unscoredReason) return classifierFailed(guard, state);
    state.categories = classification.categories;
    state.categorySource = classification.categories.length > 0 ? 'classifier' : 'summary-only';
    return { next: true };
  } catch (error) {
    // The client went away: nothing to answer, and nothing the classifier did.
    if (error instanceof CancelledError) return classifierFailed(guard, state);
    if (!(error instanceof GraderUnavailableError)) throw error;
    classifierFailed(guard, state);
    const policy = guard.settings.onModerationFailure;
    guard.metrics.moderationFailures.inc({ stage: 'classifier', policy });
    if (policy === 'fail-open') {
      state.decision = 'fail-open';
      return { next: true };
    }
    state.decision = 'moderation-unavailable';
    return {
      error: {
        status: 503,
        code: 'moderation_unavailable',
        message: `the guard's classifier (role ${error.role}) could not run, and the guard fails closed: ${error.detail}`,
      },
    };
  }
}

function classifierFailed(guard: Guard, state: RequestState): StepResult {
  guard.metrics.classifierFailures.inc();
  state.categorySource = 'classifier-failed';
  return { next: true };
}

/** The configured action for the verdict's first category, else `defaultAction`, else what the rules call for. */
export function guardActionFor(verdict: PolicyVerdict, guard: Pick<Guard, 'settings'>): GuardCategoryAction {
  for (const category of verdict.categories) {
    const action = guard.settings.categoryActions[category];
    if (action) return action;
  }
  if (guard.settings.defaultAction) return guard.settings.defaultAction;
  return verdict.action === 'safe-complete' ? 'safe-complete' : 'block';
}

/** A check's end as the guard uses it: a verdict, or none (an outage or an unscored check) with why. */
type CheckEnd =
  | { ok: true; verdict: PolicyVerdict }
  | { ok: false; kind: string; message: string; unscoredReason?: UnscoredReason };

async function checkEnd(guard: Guard, state: RequestState, answer?: string): Promise<CheckEnd> {
  try {
    const check = await guard.policyCheck!.grade(
      { itemId: state.identity.id, messages: clientMessages(state), answer, categoryIds: state.categories },
      { signal: state.signal, location: `request ${state.identity.id}` },
    );
    if (check.verdict) return { ok: true, verdict: check.verdict };
    const reason = check.unscoredReason ?? 'parse-failure';
    return { ok: false, kind: 'unscored', message: check.message ?? reason, unscoredReason: reason };
  } catch (error) {
    if (error instanceof GraderUnavailableError) return { ok: false, kind: error.kind, message: error.detail };
    if (error instanceof CancelledError) return { ok: false, kind: 'cancelled', message: error.message };
    throw error;
  }
}

function record(end: CheckEnd, stage: Stage, latencyMs: number): GuardCheckRecord {
  if (end.ok) return { stage, ok: true, ...end.verdict, latencyMs };
  const reason = end.unscoredReason === undefined ? {} : { unscoredReason: end.unscoredReason };
  return { stage, ok: false, kind: end.kind, message: end.message, ...reason, latencyMs };
}

async function check(guard: Guard, state: RequestState, stage: Stage, answer?: string): Promise<CheckEnd> {
  const started = performance.now();
  const end = await checkEnd(guard, state, answer);
  state.checks.push(record(end, stage, Math.round(performance.now() - started)));
  if (!end.ok && end.unscoredReason) guard.metrics.moderationUnscored.inc({ stage, reason: end.unscoredReason });
  return end;
}

function moderationUnavailable(
  guard: Guard,
  state: RequestState,
  stage: Stage,
  end: CheckEnd & { ok: false },
): StepResult {
  const policy = guard.settings.onModerationFailure;
  guard.metrics.moderationFailures.inc({ stage, policy });
  if (policy === 'fail-open') {
    state.decision = 'fail-open';
    return { next: true };
  }
  state.decision = 'moderation-unavailable';
  const what = end.unscoredReason ? `gave no verdict (${end.unscoredReason})` : 'could not run';
  return {
    error: {
      status: 503,
      code: 'moderation_unavailable',
      message: `the guard's ${stage} policy check (role ${guard.moderator!.role}) ${what}, and the guard fails closed: ${end.message}`,
    },
  };
}

/** Checks the conversation (no answer) or an answer; a violation becomes the guard's response. */
export async function policyStep(
  guard: Guard,
  state: RequestState,
  stage: 'input' | 'output',
  reply?: GuardReply,
  options: { safeCompletion?: boolean } = {},
): Promise<StepResult> {
  if (stage === 'output' && (!reply || reply.answer.trim() === '' || reply.refusal)) return { next: true, reply };
  const result = await check(guard, state, stage, reply?.answer);
  if (!result.ok) return moderationUnavailable(guard, state, stage, result);
  if (!result.verdict.violation) return { next: true, reply };
  const action = guardActionFor(result.verdict, guard);
  state.ruleIds = result.verdict.ruleIds;
  state.decisionCategories = result.verdict.categories;
  if (action === 'log-only' || guard.dryRun) {
    state.decision = action === 'log-only' ? 'log-only' : action === 'block' ? 'would-block' : 'would-safe-complete';
    return { next: true, reply };
  }
  state.decision = action;
  if (guard.settings.onViolation === 'http-error') {
    const cited = [...state.ruleIds, ...state.decisionCategories].join(', ') || 'the spec';
    return {
      error: {
        status: 403,
        code: 'policy_violation',
        message: `the guard blocked this ${stage === 'input' ? 'request' : 'answer'} under ${cited}`,
      },
    };
  }
  // A streamed answer already went out: it can only be followed by a refusal, never rewritten.
  if (action === 'block' || options.safeCompletion === false) {
    state.decision = 'block';
    return { next: false, reply: refusalReply(guard, reply) };
  }
  return { next: false, reply: await safeCompletion(guard, state, reply) };
}

function refusalReply(guard: Guard, reply?: GuardReply): GuardReply {
  const usage = reply?.usage ?? { promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cachedTokens: 0 };
  return { answer: guard.refusal, reasoning: null, finishReason: 'content_filter', usage };
}

/** The upstream writes a safe completion; it is checked once more, and a failure or violation leaves the refusal. */
async function safeCompletion(guard: Guard, state: RequestState, earlier?: GuardReply): Promise<GuardReply> {
  const messages = safeCompletionMessages(guard.spec, clientMessages(state), {
    categories: state.decisionCategories,
    ruleIds: state.ruleIds,
  });
  const outcome = await guard.upstream.client.generate({ ...state.request!.options, messages, signal: state.signal });
  const answered = upstreamReply(outcome, guard.upstream.role, state);
  if (!answered.ok || answered.reply.refusal || answered.reply.answer.trim() === '') {
    state.decision = 'block';
    return refusalReply(guard, earlier);
  }
  const second = await check(guard, state, 'safe-completion', answered.reply.answer);
  if (!second.ok || second.verdict.violation) {
    state.decision = 'block';
    return refusalReply(guard, earlier);
  }
  return { ...answered.reply, reasoning: null };
}
