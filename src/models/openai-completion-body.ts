/**
 * @module models/openai-completion-body
 * The reply side of `/v1/chat/completions`: the shapes of a `chat.completion` body and of a stream chunk, and the
 * step from a reply's message to a GenerateResult (reasoning normalised, finish reason and usage mapped).
 */
import { z } from 'zod';
import type { FinishReason } from '../records/completion.js';
import { emptyUsage, type Usage } from '../records/usage.js';
import type { GenerateResult } from './chat-model.js';
import { ModelCallError } from './model-call-error.js';
import { plainCompletionBody } from './plain-completion-body.js';
import { normaliseReasoning } from './reasoning.js';

/** A reply's message, and (in streaming) each chunk's delta: the same fields. */
export const ChoiceMessage = z.looseObject({
  content: z.string().nullish(),
  reasoning: z.string().nullish(),
  reasoning_content: z.string().nullish(),
  thinking: z.string().nullish(),
  refusal: z.string().nullish(),
});
export type ChoiceMessage = z.infer<typeof ChoiceMessage>;

export const UsageBody = z
  .looseObject({
    prompt_tokens: z.number().nullish(),
    completion_tokens: z.number().nullish(),
    prompt_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
    completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().nullish() }).nullish(),
  })
  .nullish();

export const CompletionBody = z.looseObject({
  choices: z.array(z.looseObject({ message: ChoiceMessage, finish_reason: z.string().nullish() })).min(1),
  usage: UsageBody,
});

export const ChunkBody = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        delta: ChoiceMessage.nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: UsageBody,
  error: z.unknown().optional(),
});

function mapFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'eos':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content-filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    default:
      return 'unknown';
  }
}

export function mapUsage(usage: z.infer<typeof UsageBody>): Usage {
  if (!usage) return { ...emptyUsage };
  return {
    promptTokens: usage.prompt_tokens ?? 0,
    completionTokens: usage.completion_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

/** A reply's message → GenerateResult. */
export function completionResult(
  message: ChoiceMessage,
  reply: { finish: string | null | undefined; usage: Usage; latencyMs: number; raw: unknown },
  options: { prefilledThink?: boolean },
): GenerateResult {
  const normalised = normaliseReasoning(
    {
      content: message.content ?? null,
      reasoning: message.reasoning,
      reasoningContent: message.reasoning_content,
      thinking: message.thinking,
    },
    { prefilledThink: options.prefilledThink },
  );
  const result: GenerateResult = {
    reasoning: normalised.reasoning,
    answer: normalised.answer,
    reasoningSource: normalised.reasoningSource,
    finishReason: mapFinishReason(reply.finish),
    usage: reply.usage,
    latencyMs: reply.latencyMs,
    warnings: normalised.warnings,
    raw: reply.raw,
  };
  if (typeof message.refusal === 'string' && message.refusal !== '') result.refusal = message.refusal;
  return result;
}

/** Parses a `chat.completion` body (from HTTP or a batch result file); another shape is a `malformed` failure. */
export function parseCompletionBody(
  body: unknown,
  latencyMs: number,
  options: { url: string; prefilledThink?: boolean },
): GenerateResult {
  // The hand-written check first (every reply goes through it), the schema for whatever it does not accept.
  const plain = plainCompletionBody(body) as z.infer<typeof CompletionBody> | undefined;
  const parsed = plain ? { success: true as const, data: plain } : CompletionBody.safeParse(body);
  if (!parsed.success) {
    throw new ModelCallError(`malformed response from ${options.url}: not a chat.completion body`, {
      failure: 'malformed',
      body: JSON.stringify(body).slice(0, 500),
    });
  }
  const choice = parsed.data.choices[0]!;
  return completionResult(
    choice.message,
    { finish: choice.finish_reason, usage: mapUsage(parsed.data.usage), latencyMs, raw: body },
    options,
  );
}
