/**
 * @module servers/guard/stream-through
 * A streaming answer passed through as it arrives (deliberate mode; moderate mode with `streaming: stream`): the
 * client's first token leaves as soon as the upstream's does. An upstream failure before the first token is still an
 * HTTP error; after it, an `error` event ends the stream. With policy checks, the answer is checked once it is
 * complete, and a violation ends the stream with a refusal chunk (finish_reason `content_filter`).
 */
import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { GenerateRequest, StreamDelta } from '../../models/chat-model.js';
import type { GenerateOutcome } from '../../models/outcome.js';
import { openAIErrorBody } from '../openai-error.js';
import { chunkData, usageChunkData } from './chat-response.js';
import { createDeltaChannel, type DeltaChannel } from './delta-channel.js';
import { finishRequest } from './finish-request.js';
import type { Guard, GuardReply, RequestState } from './guard-context.js';
import { guardBodyField, guardHeaders } from './guard-headers.js';
import { policyStep } from './policy-steps.js';
import { sendErrorReply } from './send-reply.js';
import { createThinkTagSplitter } from './think-tag-splitter.js';
import { upstreamReply } from './upstream-reply.js';

export interface StreamThroughInput {
  context: Context;
  guard: Guard;
  state: RequestState;
  request: GenerateRequest;
  policyChecks: boolean;
  /** The buffered path, for an upstream that answered without streaming (a gguf backend, a server ignoring stream). */
  whole: (outcome: GenerateOutcome) => Promise<Response>;
}

export async function streamThrough(input: StreamThroughInput): Promise<Response> {
  const { guard, state } = input;
  const channel = createDeltaChannel();
  const started = performance.now();
  const call = guard.upstream.client
    .generate({ ...input.request, onDelta: (delta) => channel.push(delta) })
    .finally(() => {
      guard.metrics.upstreamSeconds.observe({ stream: 'true' }, (performance.now() - started) / 1000);
      channel.close();
    });
  if (!(await channel.started())) {
    const outcome = await call;
    const answered = upstreamReply(outcome, guard.upstream.role, state);
    if (!answered.ok) {
      guard.metrics.upstreamFailures.inc({ outcome: outcome.ok ? 'success' : outcome.kind });
      state.decision = 'upstream-error';
      return sendErrorReply(guard, state, answered.error);
    }
    return input.whole(outcome);
  }
  for (const [name, value] of Object.entries(guardHeaders(state))) input.context.header(name, value);
  return streamSSE(input.context, (sse) => writeStream(input, sse, channel, call));
}

async function writeStream(
  input: StreamThroughInput,
  sse: SSEStreamingApi,
  channel: DeltaChannel,
  call: Promise<GenerateOutcome>,
): Promise<void> {
  const { guard, state } = input;
  const identity = state.identity;
  const includeReasoning = state.request?.includeReasoning ?? false;
  const splitter = createThinkTagSplitter({ prefilledThink: guard.upstream.prefilledThink });
  const send = async (deltas: StreamDelta[]) => {
    for (const delta of deltas) {
      if (delta.field === 'content') await sse.writeSSE({ data: chunkData(identity, { content: delta.text }) });
      else if (includeReasoning) await sse.writeSSE({ data: chunkData(identity, { reasoning_content: delta.text }) });
    }
  };
  await sse.writeSSE({ data: chunkData(identity, { role: 'assistant', content: '' }) });
  for await (const delta of channel) {
    await send(delta.field === 'content' ? splitter.push(delta.text) : [delta]);
  }
  await send(splitter.flush());
  const outcome = await call;
  const answered = upstreamReply(outcome, guard.upstream.role, state);
  if (!answered.ok) {
    guard.metrics.upstreamFailures.inc({ outcome: outcome.ok ? 'success' : outcome.kind });
    state.decision = 'upstream-error';
    finishRequest(guard, state, { status: 200, errorCode: answered.error.code, answer: null, stream: true });
    await sse.writeSSE({
      data: JSON.stringify(openAIErrorBody(answered.error.status, answered.error.code, answered.error.message)),
    });
    return;
  }
  const reply = await checkStreamedAnswer(input, answered.reply);
  if (reply !== answered.reply) {
    await sse.writeSSE({ data: chunkData(identity, { content: `\n\n${reply.answer}` }) });
  }
  finishRequest(guard, state, { status: 200, answer: answered.reply.answer, stream: true });
  const finish = reply !== answered.reply ? 'content_filter' : answered.reply.finishReason;
  await sse.writeSSE({ data: chunkData(identity, {}, finish, { deliberate_guard: guardBodyField(state) }) });
  if (state.request?.includeUsage) await sse.writeSSE({ data: usageChunkData(identity, answered.reply.usage) });
  await sse.writeSSE({ data: '[DONE]' });
}

/** The output check of a streamed answer: the reply to append when it fails (a refusal), else the same reply. */
async function checkStreamedAnswer(input: StreamThroughInput, reply: GuardReply): Promise<GuardReply> {
  if (!input.policyChecks) return reply;
  const step = await policyStep(input.guard, input.state, 'output', reply, { safeCompletion: false });
  if ('error' in step) {
    // Fail-closed or http-error after the text went out: the stream can only end with the refusal.
    return { ...reply, answer: input.guard.refusal };
  }
  if (!step.next) return { ...step.reply, answer: input.guard.refusal };
  return reply;
}
