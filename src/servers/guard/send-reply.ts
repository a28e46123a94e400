/**
 * @module servers/guard/send-reply
 * A finished reply to the client: a `chat.completion`, or (for a streaming client whose answer was buffered) the
 * same as one stream; or an OpenAI-style error. Each ends the request (audit entry, count).
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { openAIErrorResponse } from '../openai-error.js';
import { chunkData, completionBody, type ReplyIdentity, usageChunkData } from './chat-response.js';
import { finishRequest } from './finish-request.js';
import type { Guard, GuardReply, RequestState } from './guard-context.js';
import { guardBodyField, guardHeaders } from './guard-headers.js';

export interface ErrorReply {
  status: number;
  code: string;
  message: string;
}

export function sendErrorReply(guard: Guard, state: RequestState, error: ErrorReply): Response {
  finishRequest(guard, state, {
    status: error.status,
    errorCode: error.code,
    answer: null,
    stream: state.request?.stream ?? false,
  });
  return openAIErrorResponse(error.status, error.code, error.message, guardHeaders(state));
}

/** The reasoning the client sees: only when it asked. */
export function visibleReasoning(state: RequestState, reasoning: string | null): string | null | undefined {
  return state.request?.includeReasoning ? reasoning : undefined;
}

export function sendReply(context: Context, guard: Guard, state: RequestState, reply: GuardReply): Response {
  const stream = state.request?.stream ?? false;
  finishRequest(guard, state, { status: 200, answer: reply.refusal ?? reply.answer, stream });
  const headers = guardHeaders(state);
  const reasoning = visibleReasoning(state, reply.reasoning);
  if (!stream) {
    return context.json(completionBody(state.identity, { ...reply, reasoning }, guardBodyField(state)), 200, headers);
  }
  for (const [name, value] of Object.entries(headers)) context.header(name, value);
  return streamSSE(context, async (sse) => {
    for (const data of bufferedChunks(state.identity, reply, reasoning, guardBodyField(state))) {
      await sse.writeSSE({ data });
    }
    if (state.request?.includeUsage) await sse.writeSSE({ data: usageChunkData(state.identity, reply.usage) });
    await sse.writeSSE({ data: '[DONE]' });
  });
}

function bufferedChunks(
  identity: ReplyIdentity,
  reply: GuardReply,
  reasoning: string | null | undefined,
  guard: Record<string, unknown>,
): string[] {
  const chunks = [chunkData(identity, { role: 'assistant', content: '' })];
  if (typeof reasoning === 'string' && reasoning !== '')
    chunks.push(chunkData(identity, { reasoning_content: reasoning }));
  if (reply.refusal) chunks.push(chunkData(identity, { refusal: reply.refusal }));
  else if (reply.answer !== '') chunks.push(chunkData(identity, { content: reply.answer }));
  chunks.push(chunkData(identity, {}, reply.finishReason, { deliberate_guard: guard }));
  return chunks;
}
