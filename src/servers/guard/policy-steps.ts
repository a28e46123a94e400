/**
 * @module servers/guard/policy-steps
 * The policy side of a request: the categories for spec(category), the check of the conversation before the
 * upstream call and of the answer after it, and what a violation turns into (per-category action, dry run,
 * refusal, safe completion, or an HTTP error); a check that cannot run follows `onModerationFailure`.
 */
import { classifyConversation } from '../../grading/classify-conversation.js';
import { type PolicyCheckResult, type PolicyVerdict, runPolicyCheck } from '../../grading/policy-check.js';
import type { GuardCheckRecord } from '../../records/guard-audit-entry.js';
import type { GuardCategoryAction } from '../../records/guard-settings.js';
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

/** Categories from the classifier role; without one (or when it fails) none, so the summary-only spec. */
export async function chooseCategories(guard: Guard, state: RequestState): Promise<void> {
  if (!guard.classifier) return;
  const outcome = await classifyConversation(guard.classifier.client, guard.spec, clientMessages(state), state.signal);
  if (!outcome.ok) {
    guard.metrics.classifierFailures.inc();
    state.categorySource = 'classifier-failed';
    return;
  }
  state.categories = outcome.object.categories;
  state.categorySource = outcome.object.categories.length > 0 ? 'classifier' : 'summary-only';
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

function record(result: PolicyCheckResult, stage: Stage): GuardCheckRecord {
  if (!result.ok) return { stage, ok: false, kind: result.kind, message: result.message, latencyMs: result.latencyMs };
  return { stage, ok: true, ...result.verdict, latencyMs: result.latencyMs };
}

async function check(guard: Guard, state: RequestState, stage: Stage, answer?: string) {
  const result = await runPolicyCheck({
    checker: guard.moderator!.client,
    spec: guard.spec,
    messages: clientMessages(state),
    answer,
    categoryIds: state.categories,
    signal: state.signal,
  });
  state.checks.push(record(result, stage));
  return result;
}

function moderationUnavailable(guard: Guard, state: RequestState, stage: Stage, message: string): StepResult {
  const policy = guard.settings.onModerationFailure;
  guard.metrics.moderationFailures.inc({ stage, policy });
  if (policy === 'fail-open') {
    state.decision = 'fail-open';
    return { next: true };
  }
  state.decision = 'moderation-unavailable';
  return {
    error: {
      status: 503,
      code: 'moderation_unavailable',
      message: `the guard's ${stage} policy check (role ${guard.moderator!.role}) could not run, and the guard fails closed: ${message}`,
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
  if (!result.ok) return moderationUnavailable(guard, state, stage, result.message);
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
