/**
 * @module models/read-openai-stream
 * A streamed `/v1/chat/completions` reply (server-sent events) → one GenerateResult: deltas collected per field and
 * passed on as they arrive, usage from the last chunk, and a body that ends without a finish reason is `malformed`
 * (truncated), never a short answer.
 */
import type { Usage } from '../records/usage.js';
import { emptyUsage } from '../records/usage.js';
import type { GenerateRequest, GenerateResult } from './chat-model.js';
import { ModelCallError } from './model-call-error.js';
import { ChunkBody, completionResult, mapUsage } from './openai-completion-body.js';

const fields = ['content', 'reasoning', 'reasoning_content', 'thinking', 'refusal'] as const;
type Field = (typeof fields)[number];

export interface StreamContext {
  url: string;
  started: number;
  onDelta: GenerateRequest['onDelta'];
  prefilledThink?: boolean;
  /** Removes the API key from text quoted in errors. */
  withoutKey: (text: string) => string;
}

/** What the events of one stream add up to. */
interface Collected {
  text: Record<Field, string>;
  seen: Set<Field>;
  finish: string | null | undefined;
  usage: Usage;
  done: boolean;
}

function parseChunk(data: string, context: StreamContext) {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new ModelCallError(`malformed stream chunk from ${context.url}: ${context.withoutKey(data.slice(0, 200))}`, {
      failure: 'malformed',
    });
  }
  const chunk = ChunkBody.safeParse(json);
  if (!chunk.success) throw new ModelCallError(`malformed stream chunk from ${context.url}`, { failure: 'malformed' });
  if (chunk.data.error !== undefined && chunk.data.error !== null) {
    const quoted = context.withoutKey(JSON.stringify(chunk.data.error)).slice(0, 300);
    throw new ModelCallError(`error inside the stream from ${context.url}: ${quoted}`, { failure: 'malformed' });
  }
  return chunk.data;
}

/** One event's data: `[DONE]`, or a chunk whose deltas are collected and passed on. */
function handleEvent(data: string, collected: Collected, context: StreamContext): void {
  if (data === '[DONE]') {
    collected.done = true;
    return;
  }
  const chunk = parseChunk(data, context);
  if (chunk.usage) collected.usage = mapUsage(chunk.usage);
  for (const choice of chunk.choices ?? []) {
    if (choice.finish_reason) collected.finish = choice.finish_reason;
    const delta = choice.delta ?? {};
    for (const key of fields) {
      const value = delta[key];
      if (typeof value !== 'string') continue;
      collected.text[key] += value;
      if (value === '') continue;
      collected.seen.add(key);
      if (context.onDelta && key !== 'refusal')
        context.onDelta({ field: key === 'content' ? 'content' : 'reasoning', text: value });
    }
  }
}

/** One SSE block: its `data:` lines joined. */
function handleBlock(block: string, collected: Collected, context: StreamContext): void {
  const data = block
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trimStart())
    .join('\n');
  if (data !== '') handleEvent(data, collected, context);
}

async function collectEvents(body: AsyncIterable<Uint8Array>, collected: Collected, context: StreamContext) {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const bytes of body) {
      buffer += decoder.decode(bytes, { stream: true }).replace(/\r\n/g, '\n');
      let boundary = buffer.indexOf('\n\n');
      while (boundary !== -1) {
        handleBlock(buffer.slice(0, boundary), collected, context);
        buffer = buffer.slice(boundary + 2);
        boundary = buffer.indexOf('\n\n');
      }
    }
    // The last event may end the body without its blank line.
    handleBlock(`${buffer}${decoder.decode()}`.replace(/\r\n/g, '\n'), collected, context);
  } catch (error) {
    if (error instanceof ModelCallError) throw error;
    throw new ModelCallError(`the stream from ${context.url} broke off: ${(error as Error).message}`, {
      failure: 'network',
      cause: error,
    });
  }
}

/** Reads a whole SSE stream into a result. */
export async function readOpenAIStream(
  body: AsyncIterable<Uint8Array>,
  context: StreamContext,
): Promise<GenerateResult> {
  const collected: Collected = {
    text: { content: '', reasoning: '', reasoning_content: '', thinking: '', refusal: '' },
    seen: new Set(),
    finish: undefined,
    usage: { ...emptyUsage },
    done: false,
  };
  await collectEvents(body, collected, context);
  if (!collected.done && !collected.finish) {
    throw new ModelCallError(`the stream from ${context.url} ended without a finish reason (truncated)`, {
      failure: 'malformed',
    });
  }
  const { text, seen, finish } = collected;
  const orNull = (key: Field) => (seen.has(key) ? text[key] : null);
  const message = {
    content: text.content,
    reasoning: orNull('reasoning'),
    reasoning_content: orNull('reasoning_content'),
    thinking: orNull('thinking'),
    refusal: orNull('refusal'),
  };
  const raw = { object: 'chat.completion', streamed: true, choices: [{ index: 0, message, finish_reason: finish }] };
  const latencyMs = Date.now() - context.started;
  return completionResult(message, { finish, usage: collected.usage, latencyMs, raw }, context);
}
