/**
 * @module servers/reward/reward-request
 * The two request forms `POST /reward` accepts, and the one item shape the scorer reads:
 * - OpenRLHF's remote protocol `{query, prompts, labels}` (`--remote_rm_url`): the response is `query` minus its
 *   `prompts` prefix; `labels` is the JSON label the RL export writes (or "").
 * - the generic form `{items: [{messages | prompt, completion, category?, categories?, metadata?}]}` that the
 *   generated TRL and verl adapters send; `completion` may be a string, a message, or TRL's `[message]`.
 */
import { z } from 'zod';
import type { Message } from '../../records/message.js';
import { PromptMetadata } from '../../records/prompt.js';
import { parseTemplatedPrompt } from './parse-templated-prompt.js';

/** One answer to grade, whatever form it came in. */
export interface RewardItem {
  conversation: Message[];
  /** The completion text as the trainer sent it (reasoning and special tokens still in). */
  completionText: string;
  reasoningField: string | null;
  prefilledThink: boolean;
  /** undefined: none given (the classifier or the summary-only spec decides). */
  categories: string[] | undefined;
  metadata: PromptMetadata;
  /** Set when the item itself is unusable (a bad label, a query that does not start with its prompt). */
  problem?: { reason: 'bad-item'; message: string };
}

export const OpenRlhfRequest = z.object({
  query: z.array(z.string()),
  prompts: z.array(z.string()),
  labels: z.array(z.string().nullable()).optional(),
});
export type OpenRlhfRequest = z.infer<typeof OpenRlhfRequest>;

const InputMessage = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
    content: z.string().nullable().optional(),
    reasoning_content: z.string().nullable().optional(),
    reasoning: z.string().nullable().optional(),
    thinking: z.string().nullable().optional(),
  })
  .loose();
type InputMessage = z.infer<typeof InputMessage>;

const Completion = z.union([z.string(), InputMessage, z.array(InputMessage).min(1)]);

const JsonObjectOrString = z.union([z.record(z.string(), z.unknown()), z.string()]);

export const GenericItem = z
  .object({
    messages: z.array(InputMessage).min(1).optional(),
    prompt: z.union([z.string(), z.array(InputMessage).min(1)]).optional(),
    completion: Completion,
    category: z.string().min(1).nullable().optional(),
    categories: z.array(z.string()).nullable().optional(),
    /** An object, or a JSON string (verl's Parquet stores `extra_info.metadata` as a string). */
    metadata: JsonObjectOrString.nullable().optional(),
  })
  .loose()
  .refine((item) => item.messages !== undefined || item.prompt !== undefined, {
    message: 'each item needs `messages` (the conversation) or `prompt`',
  });

export const GenericRequest = z.object({ items: z.array(GenericItem) });
export type GenericRequest = z.infer<typeof GenericRequest>;

export type ParsedRewardRequest =
  | { form: 'openrlhf'; items: RewardItem[] }
  | { form: 'generic'; items: RewardItem[] }
  | { form: 'invalid'; message: string };

function toMessage(input: InputMessage): Message {
  return { role: input.role, content: input.content ?? '' };
}

/** A label or metadata value: the RL export's JSON label `{id, categories, metadata, specHash}`, or a metadata object. */
function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function labelParts(label: string | null | undefined): Pick<RewardItem, 'categories' | 'metadata' | 'problem'> {
  if (label === null || label === undefined || label.trim() === '') return { categories: undefined, metadata: {} };
  const object = parseJsonObject(label);
  const categories = object?.categories;
  const metadata = PromptMetadata.safeParse(object?.metadata ?? {});
  if (object === null || (categories !== undefined && !isStringArray(categories)) || !metadata.success) {
    return {
      categories: undefined,
      metadata: {},
      problem: {
        reason: 'bad-item',
        message: `the label is not the RL export's JSON label {"categories": [...], "metadata": {...}}: ${label.slice(0, 120)}`,
      },
    };
  }
  return { categories: categories as string[] | undefined, metadata: metadata.data };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

function openRlhfItems(request: OpenRlhfRequest): RewardItem[] | string {
  if (request.query.length !== request.prompts.length) {
    return `query has ${request.query.length} entries and prompts ${request.prompts.length}; they must pair up`;
  }
  if (request.labels && request.labels.length !== request.query.length) {
    return `labels has ${request.labels.length} entries and query ${request.query.length}; they must pair up`;
  }
  return request.query.map((query, index) => {
    const prompt = request.prompts[index]!;
    const templated = parseTemplatedPrompt(prompt);
    const parts = labelParts(request.labels?.[index]);
    const item: RewardItem = {
      conversation: templated.messages,
      completionText: query.startsWith(prompt) ? query.slice(prompt.length) : query,
      reasoningField: null,
      prefilledThink: templated.prefilledThink,
      ...parts,
    };
    if (!query.startsWith(prompt) && !item.problem) {
      item.problem = { reason: 'bad-item', message: `query ${index} does not start with prompts[${index}]` };
    }
    return item;
  });
}

function completionParts(completion: z.infer<typeof Completion>): { text: string; reasoningField: string | null } {
  if (typeof completion === 'string') return { text: completion, reasoningField: null };
  const message = Array.isArray(completion) ? completion[completion.length - 1]! : completion;
  const field = message.reasoning_content ?? message.reasoning ?? message.thinking ?? null;
  return { text: message.content ?? '', reasoningField: field };
}

function genericItem(item: z.infer<typeof GenericItem>): RewardItem {
  const conversation =
    item.messages?.map(toMessage) ??
    (typeof item.prompt === 'string' ? [{ role: 'user' as const, content: item.prompt }] : item.prompt!.map(toMessage));
  const { text, reasoningField } = completionParts(item.completion);
  const rawMetadata = typeof item.metadata === 'string' ? parseJsonObject(item.metadata) : (item.metadata ?? {});
  const metadata = PromptMetadata.safeParse(rawMetadata ?? undefined);
  const categories = item.categories ?? (item.category ? [item.category] : undefined);
  const result: RewardItem = {
    conversation,
    completionText: text,
    reasoningField,
    prefilledThink: false,
    categories: categories === undefined || categories === null ? undefined : categories,
    metadata: metadata.success ? metadata.data : {},
  };
  if (!metadata.success) {
    result.problem = { reason: 'bad-item', message: 'metadata is neither an object nor a JSON object string' };
  }
  return result;
}

/** Decides the form by its keys and parses it; an invalid body says what is wrong (the server answers 400). */
export function parseRewardRequest(body: unknown): ParsedRewardRequest {
  const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
  if (isObject && 'query' in body) {
    const parsed = OpenRlhfRequest.safeParse(body);
    if (!parsed.success) return { form: 'invalid', message: `OpenRLHF form: ${z.prettifyError(parsed.error)}` };
    const items = openRlhfItems(parsed.data);
    return typeof items === 'string' ? { form: 'invalid', message: items } : { form: 'openrlhf', items };
  }
  if (isObject && 'items' in body) {
    const parsed = GenericRequest.safeParse(body);
    if (!parsed.success) return { form: 'invalid', message: `generic form: ${z.prettifyError(parsed.error)}` };
    return { form: 'generic', items: parsed.data.items.map(genericItem) };
  }
  return {
    form: 'invalid',
    message:
      'the body is neither OpenRLHF\'s {"query": [...], "prompts": [...], "labels": [...]} nor {"items": [{"messages" or "prompt", "completion", "categories"?, "metadata"?}]}',
  };
}
