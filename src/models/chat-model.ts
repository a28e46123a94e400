/**
 * @module models/chat-model
 * The whole backend contract. A backend implements `doGenerate`; only `generate()` (models/generate.ts) calls it,
 * and that wrapper owns retries, limits, caching and call logging.
 */
import type { z } from 'zod';
import type { FinishReason, ReasoningSource } from '../records/completion.js';
import type { Message } from '../records/message.js';
import type { Usage } from '../records/usage.js';

/** One piece of a streamed reply, as it arrives: answer text, or reasoning from a reasoning field. */
export interface StreamDelta {
  field: 'content' | 'reasoning';
  text: string;
}

export interface GenerateRequest {
  messages: Message[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Which sample of the same request this is (part of the cache key; sample i > 0 must not be answered from sample 0). */
  sampleIndex?: number;
  /** Ask for JSON matching this schema (response_format json_schema on servers; a grammar on gguf). */
  responseSchema?: { name: string; schema: z.ZodType };
  /** Backend-specific body fields (e.g. chat_template_kwargs), merged into the request. */
  extraBody?: Record<string, unknown>;
  signal?: AbortSignal;
  /**
   * Called with each delta as it arrives (the openai-compatible backend then streams, whatever its `stream`
   * setting; other backends never call it, and the result still comes back whole). A request with `onDelta` is not answered
   * from the cache and is not retried once a delta was delivered. Content deltas are raw: inline `<think>` tags are
   * split only in the final result.
   */
  onDelta?: (delta: StreamDelta) => void;
}

export interface GenerateResult {
  /** null: the backend returned no reasoning; '' : an empty think block. */
  reasoning: string | null;
  answer: string;
  reasoningSource: ReasoningSource;
  finishReason: FinishReason;
  usage: Usage;
  latencyMs: number;
  /** The provider's refusal text (HTTP 200 with a `refusal` field), when present. */
  refusal?: string;
  warnings: string[];
  /** The raw response body, for debugging and for replaying a parser fix. Never contains API keys. */
  raw?: unknown;
}

export interface ChatModel {
  /** `<provider>:<model>`, e.g. `openai-compatible:qwen3-8b`. */
  readonly id: string;
  /** The identity that goes into cache keys: provider, model, base URL (never an API key). */
  readonly cacheIdentity: string;
  /** "do": call `generate()` instead, which adds retries, limits, caching and logging. */
  doGenerate(request: GenerateRequest): Promise<GenerateResult>;
  close?(): Promise<void>;
}
