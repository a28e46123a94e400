/**
 * @module servers/guard/chat-response
 * The guard's replies in the OpenAI shapes: a `chat.completion` body, `chat.completion.chunk` stream events, and
 * the usage block. Reasoning goes in `reasoning_content` only when the client asked for it.
 */
import type { FinishReason } from '../../records/completion.js';
import type { Usage } from '../../records/usage.js';

export interface ReplyIdentity {
  id: string;
  created: number;
  model: string;
}

const finishReasons: Record<FinishReason, string> = {
  stop: 'stop',
  length: 'length',
  'content-filter': 'content_filter',
  'tool-calls': 'tool_calls',
  unknown: 'stop',
  error: 'stop',
};

export function wireFinishReason(reason: FinishReason): string {
  return finishReasons[reason];
}

export function wireUsage(usage: Usage) {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    ...(usage.reasoningTokens > 0 ? { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } } : {}),
    ...(usage.cachedTokens > 0 ? { prompt_tokens_details: { cached_tokens: usage.cachedTokens } } : {}),
  };
}

export interface ReplyMessage {
  answer: string;
  /** Set only when the client asked for reasoning. */
  reasoning?: string | null;
  refusal?: string;
}

/** A whole `chat.completion`. `guard` is the decision, for clients that read the body rather than the headers. */
export function completionBody(
  identity: ReplyIdentity,
  reply: ReplyMessage & { finishReason: string; usage: Usage },
  guard: Record<string, unknown>,
) {
  const message: Record<string, unknown> = { role: 'assistant', content: reply.refusal ? null : reply.answer };
  if (reply.refusal) message.refusal = reply.refusal;
  if (typeof reply.reasoning === 'string') message.reasoning_content = reply.reasoning;
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, message, finish_reason: reply.finishReason, logprobs: null }],
    usage: wireUsage(reply.usage),
    deliberate_guard: guard,
  };
}

/** One `chat.completion.chunk` as SSE data. */
export function chunkData(
  identity: ReplyIdentity,
  delta: Record<string, unknown>,
  finishReason: string | null = null,
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    ...extra,
  });
}

/** The last chunk of `stream_options.include_usage`: no choices, the usage. */
export function usageChunkData(identity: ReplyIdentity, usage: Usage): string {
  return JSON.stringify({
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    choices: [],
    usage: wireUsage(usage),
  });
}
