/**
 * @module servers/guard/chat-request
 * The `POST /v1/chat/completions` body the guard accepts: the OpenAI chat request, text only. Sampling fields go to
 * the upstream through the model layer; anything the guard cannot carry faithfully (tools, n > 1, images) is a 400,
 * never silently dropped.
 */
import { z } from 'zod';
import type { GenerateRequest } from '../../models/chat-model.js';
import type { Message } from '../../records/message.js';

const TextPart = z.looseObject({ type: z.literal('text'), text: z.string() });

const IncomingMessage = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(TextPart), z.null()]).optional(),
  name: z.string().optional(),
});

/** Fields passed to the upstream as they are (the model layer merges them into its request body). */
const passedThrough = [
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'response_format',
  'user',
] as const;
const unsupported = ['tools', 'functions', 'tool_choice', 'function_call', 'logprobs', 'audio', 'modalities'] as const;

export const ChatCompletionBody = z.looseObject({
  model: z.string().optional(),
  messages: z.array(IncomingMessage).min(1),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  n: z.literal(1).nullish(),
  /** The guard's own options: `include_reasoning` returns the upstream's reasoning in `reasoning_content`. */
  deliberate: z.looseObject({ include_reasoning: z.boolean().optional() }).optional(),
});

/** The header that asks for the upstream's reasoning, like `deliberate.include_reasoning` in the body. */
export const includeReasoningHeader = 'x-deliberate-include-reasoning';

export interface GuardChatRequest {
  messages: Message[];
  /** What goes to the upstream besides the messages. */
  options: Pick<GenerateRequest, 'maxTokens' | 'temperature' | 'topP' | 'seed' | 'extraBody'>;
  stream: boolean;
  includeUsage: boolean;
  includeReasoning: boolean;
}

export type ParsedChatRequest = { ok: true; request: GuardChatRequest } | { ok: false; message: string; param: string };

function messageText(content: z.infer<typeof IncomingMessage>['content']): string {
  if (content === undefined || content === null) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

/** Validates a request body; the error names the field (OpenAI's `param`). */
export function parseChatRequest(body: unknown, headers: { includeReasoning?: string }): ParsedChatRequest {
  const parsed = ChatCompletionBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path.join('.') || '(body)';
    return { ok: false, param, message: `invalid request: ${param}: ${issue.message}` };
  }
  const data = parsed.data;
  const present = unsupported.find((key) => data[key] !== undefined && data[key] !== null);
  if (present) {
    return {
      ok: false,
      param: present,
      message: `the guard does not support "${present}" (text chat only); call the upstream directly for it`,
    };
  }
  const extraBody: Record<string, unknown> = {};
  for (const key of passedThrough) if (data[key] !== undefined && data[key] !== null) extraBody[key] = data[key];
  const maxTokens = data.max_completion_tokens ?? data.max_tokens ?? undefined;
  return {
    ok: true,
    request: {
      messages: data.messages.map((message) => ({
        role: message.role,
        content: messageText(message.content),
        ...(message.name !== undefined ? { name: message.name } : {}),
      })),
      options: {
        maxTokens,
        temperature: data.temperature ?? undefined,
        topP: data.top_p ?? undefined,
        seed: data.seed ?? undefined,
        ...(Object.keys(extraBody).length > 0 ? { extraBody } : {}),
      },
      stream: data.stream === true,
      includeUsage: data.stream_options?.include_usage === true,
      includeReasoning:
        data.deliberate?.include_reasoning === true || /^(1|true|yes)$/i.test(headers.includeReasoning ?? ''),
    },
  };
}
