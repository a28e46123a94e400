/**
 * @module servers/guard/handle-chat-completion
 * `POST /v1/chat/completions` through the guard: parse, categories, the mode's steps (guard-modes.ts) around the
 * upstream call, and one reply. Every path ends in exactly one audit entry.
 */
import type { Context } from 'hono';
import { type DeliberationOutcome, deliberationRecord } from '../../grading/deliberate-at-test-time.js';
import type { GenerateRequest } from '../../models/chat-model.js';
import type { GenerateOutcome } from '../../models/outcome.js';
import { specInContextMessages, specInContextText } from '../../spec/spec-in-context.js';
import { includeReasoningHeader, parseChatRequest } from './chat-request.js';
import { clientMessages, type Guard, newRequestState, type RequestState } from './guard-context.js';
import { type GuardMode, guardModes } from './guard-modes.js';
import { chooseCategories, policyStep } from './policy-steps.js';
import { sendErrorReply, sendReply } from './send-reply.js';
import { streamThrough } from './stream-through.js';
import { upstreamReply } from './upstream-reply.js';

/** The messages sent upstream: the client's, with spec(category) in front when the mode says so. */
export function upstreamMessages(guard: Guard, state: RequestState, mode: GuardMode) {
  const messages = clientMessages(state);
  if (!mode.specInContext) return messages;
  return specInContextMessages(messages, [specInContextText(guard.spec, state.categories)]);
}

/** One upstream call, or the mode's own answer step (revise: draft, check, revise). */
function answerOf(
  guard: Guard,
  state: RequestState,
  mode: GuardMode,
  request: GenerateRequest,
): Promise<GenerateOutcome | DeliberationOutcome> {
  if (!mode.answer) return guard.upstream.client.generate(request);
  const conversation = clientMessages(state);
  return mode.answer(guard, { request, conversation, specText: specInContextText(guard.spec, state.categories) });
}

export async function handleChatCompletion(context: Context, guard: Guard): Promise<Response> {
  const state = newRequestState(guard, context.req.raw.signal);
  let body: unknown;
  try {
    body = await context.req.json();
  } catch {
    state.decision = 'bad-request';
    return sendErrorReply(guard, state, { status: 400, code: 'invalid_json', message: 'the request body is not JSON' });
  }
  const parsed = parseChatRequest(body, { includeReasoning: context.req.header(includeReasoningHeader) });
  if (!parsed.ok) {
    state.decision = 'bad-request';
    return sendErrorReply(guard, state, { status: 400, code: 'invalid_request', message: parsed.message });
  }
  state.request = parsed.request;
  const mode = guardModes[guard.mode];
  if (mode.specInContext || mode.policyChecks) {
    const chosen = await chooseCategories(guard, state);
    if ('error' in chosen) return sendErrorReply(guard, state, chosen.error);
  }
  if (mode.policyChecks) {
    const step = await policyStep(guard, state, 'input');
    if ('error' in step) return sendErrorReply(guard, state, step.error);
    if (!step.next) return sendReply(context, guard, state, step.reply);
  }
  const request: GenerateRequest = {
    ...parsed.request.options,
    messages: upstreamMessages(guard, state, mode),
    signal: state.signal,
  };
  const whole = (outcome: GenerateOutcome | DeliberationOutcome) => finishWhole(context, guard, state, mode, outcome);
  const streams =
    parsed.request.stream && !mode.answer && (!mode.policyChecks || guard.settings.streaming === 'stream');
  if (streams) return streamThrough({ context, guard, state, request, policyChecks: mode.policyChecks, whole });
  const started = performance.now();
  const outcome = await answerOf(guard, state, mode, request);
  if ('deliberation' in outcome) state.deliberation = deliberationRecord(outcome.deliberation);
  guard.metrics.upstreamSeconds.observe({ stream: 'false' }, (performance.now() - started) / 1000);
  return whole(outcome);
}

/** A complete upstream outcome → the output check (with policy checks) → the reply. */
async function finishWhole(
  context: Context,
  guard: Guard,
  state: RequestState,
  mode: GuardMode,
  outcome: GenerateOutcome | DeliberationOutcome,
): Promise<Response> {
  const answered = upstreamReply(outcome, guard.upstream.role, state);
  if (!answered.ok) {
    guard.metrics.upstreamFailures.inc({ outcome: outcome.ok ? 'success' : outcome.kind });
    state.decision = 'upstream-error';
    return sendErrorReply(guard, state, answered.error);
  }
  if (!mode.policyChecks) return sendReply(context, guard, state, answered.reply);
  const step = await policyStep(guard, state, 'output', answered.reply);
  if ('error' in step) return sendErrorReply(guard, state, step.error);
  return sendReply(context, guard, state, step.reply ?? answered.reply);
}
