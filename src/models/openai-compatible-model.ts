/**
 * @module models/openai-compatible-model
 * The `openai-compatible` backend: `/v1/chat/completions`, streaming and not, on vLLM, SGLang, Ollama, llama.cpp,
 * OpenAI, DeepSeek, Together. A thin fetch layer (not the AI SDK's provider) because the SDK drops what this layer
 * must see: the `refusal` and `thinking` fields, harmony text, the reasoning field each engine wants back in history,
 * and the raw status, headers and body needed for retries (docs/models.md, "Why not the AI SDK provider").
 */
import { z } from 'zod';
import { stableHash } from '../io/stable-hash.js';
import type { FinishReason } from '../records/completion.js';
import type { Message } from '../records/message.js';
import type { BackendPreset, StructuredOutputMode } from '../records/model-settings.js';
import { emptyUsage, type Usage } from '../records/usage.js';
import type { ChatModel, GenerateRequest, GenerateResult } from './chat-model.js';
import { createConnectionPool } from './connection-pool.js';
import { ModelCallError, namesContentPolicy, parseRetryAfter } from './model-call-error.js';
import { type PresetBehaviour, presetBehaviour } from './presets.js';
import { normaliseReasoning } from './reasoning.js';
import { jsonInstruction, jsonSchemaOf } from './structured-output.js';

export interface OpenAICompatibleModelOptions {
  /** e.g. `http://127.0.0.1:8000/v1` */
  baseUrl: string;
  model: string;
  /** The key itself (read from the environment by the caller); sent as a Bearer token, stored nowhere. */
  apiKey?: string;
  /** Only for error messages: the environment variable the key comes from. */
  apiKeyEnv?: string;
  preset?: BackendPreset;
  stream?: boolean;
  extraBody?: Record<string, unknown>;
  structuredOutput?: StructuredOutputMode;
  harmony?: boolean;
  prefilledThink?: boolean;
  /**
   * Keep-alive sockets to the endpoint (default 8): give the role's concurrency, so 64 requests in flight use 64
   * connections, each reused, never a new TCP handshake per request.
   */
  connections?: number;
  /** For tests: a fetch to use instead of the pooled one (then no pool is made). */
  fetch?: typeof fetch;
}

export interface OpenAICompatibleModel extends ChatModel {
  readonly baseUrl: string;
  readonly modelName: string;
  /** The JSON body sent for a request (also what batch files carry). */
  buildRequestBody(request: GenerateRequest, options?: { stream?: boolean }): Record<string, unknown>;
  /** Parses a `chat.completion` body (from HTTP or a batch result file) into a result. */
  parseCompletionBody(body: unknown, latencyMs: number): GenerateResult;
}

/** A reply's message, and (in streaming) each chunk's delta: the same fields. */
const ChoiceMessage = z.looseObject({
  content: z.string().nullish(),
  reasoning: z.string().nullish(),
  reasoning_content: z.string().nullish(),
  thinking: z.string().nullish(),
  refusal: z.string().nullish(),
});
const UsageBody = z
  .looseObject({
    prompt_tokens: z.number().nullish(),
    completion_tokens: z.number().nullish(),
    prompt_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
    completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().nullish() }).nullish(),
  })
  .nullish();
const CompletionBody = z.looseObject({
  choices: z.array(z.looseObject({ message: ChoiceMessage, finish_reason: z.string().nullish() })).min(1),
  usage: UsageBody,
});
const ChunkBody = z.looseObject({
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

function mapUsage(usage: z.infer<typeof UsageBody>): Usage {
  if (!usage) return { ...emptyUsage };
  return {
    promptTokens: usage.prompt_tokens ?? 0,
    completionTokens: usage.completion_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

function wireMessages(messages: Message[], behaviour: PresetBehaviour): Array<Record<string, unknown>> {
  return messages.map((message) => {
    const wire: Record<string, unknown> = { role: message.role, content: message.content };
    if (message.name !== undefined) wire.name = message.name;
    if (message.role === 'assistant' && message.reasoning !== undefined && behaviour.historyReasoningField) {
      wire[behaviour.historyReasoningField] = message.reasoning;
    }
    return wire;
  });
}

/** Creates the openai-compatible backend. */
export function createOpenAICompatibleModel(options: OpenAICompatibleModelOptions): OpenAICompatibleModel {
  const behaviour = presetBehaviour(options.preset);
  const structuredOutput: StructuredOutputMode = options.harmony
    ? 'prompt'
    : (options.structuredOutput ?? behaviour.structuredOutput);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const url = `${baseUrl}/chat/completions`;
  const pool = options.fetch ? undefined : createConnectionPool(options.connections ?? 8);
  const fetchFunction = options.fetch ?? pool!.fetch;

  function buildRequestBody(request: GenerateRequest, bodyOptions: { stream?: boolean } = {}): Record<string, unknown> {
    let messages = request.messages;
    const body: Record<string, unknown> = { ...behaviour.extraBody, ...options.extraBody, ...request.extraBody };
    // chat_template_kwargs merge key by key, so a request's enable_thinking keeps the preset's other kwargs.
    const templateKwargs = [behaviour.extraBody, options.extraBody, request.extraBody]
      .map((extra) => extra?.chat_template_kwargs)
      .filter((value): value is Record<string, unknown> => typeof value === 'object' && value !== null);
    if (templateKwargs.length > 1) body.chat_template_kwargs = Object.assign({}, ...templateKwargs);
    if (request.responseSchema) {
      if (structuredOutput === 'json-schema') {
        body.response_format = {
          type: 'json_schema',
          json_schema: {
            name: request.responseSchema.name,
            schema: jsonSchemaOf(request.responseSchema.schema),
            strict: true,
          },
        };
      } else {
        if (structuredOutput === 'json-object') body.response_format = { type: 'json_object' };
        const instruction = jsonInstruction(request.responseSchema.schema);
        const last = messages.at(-1);
        messages =
          last?.role === 'user'
            ? [...messages.slice(0, -1), { ...last, content: `${last.content}\n\n${instruction}` }]
            : [...messages, { role: 'user', content: instruction }];
      }
    }
    body.model = options.model;
    body.messages = wireMessages(messages, behaviour);
    if (request.maxTokens !== undefined) body[behaviour.maxTokensField] = request.maxTokens;
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.topP !== undefined) body.top_p = request.topP;
    if (request.seed !== undefined) body.seed = request.seed;
    if (bodyOptions.stream) {
      body.stream = true;
      body.stream_options = { include_usage: true };
    }
    return body;
  }

  function resultFrom(
    message: z.infer<typeof ChoiceMessage>,
    finish: string | null | undefined,
    usage: Usage,
    latencyMs: number,
    raw: unknown,
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
      finishReason: mapFinishReason(finish),
      usage,
      latencyMs,
      warnings: normalised.warnings,
      raw,
    };
    if (typeof message.refusal === 'string' && message.refusal !== '') result.refusal = message.refusal;
    return result;
  }

  function parseCompletionBody(body: unknown, latencyMs: number): GenerateResult {
    const parsed = CompletionBody.safeParse(body);
    if (!parsed.success) {
      throw new ModelCallError(`malformed response from ${url}: not a chat.completion body`, {
        failure: 'malformed',
        body: JSON.stringify(body).slice(0, 500),
      });
    }
    const choice = parsed.data.choices[0]!;
    return resultFrom(choice.message, choice.finish_reason, mapUsage(parsed.data.usage), latencyMs, body);
  }

  /** Some servers and proxies echo the key they rejected; it must not reach messages, logs or judgements. */
  function withoutKey(text: string): string {
    return options.apiKey ? text.split(options.apiKey).join('[api key]') : text;
  }

  function httpError(status: number, headers: Headers, body: string): ModelCallError {
    const text = withoutKey(body);
    const excerpt = text.slice(0, 300);
    if (status === 400 && namesContentPolicy(text)) {
      return new ModelCallError(`provider refused the request (HTTP 400): ${excerpt}`, {
        failure: 'refusal',
        status,
        body: text,
      });
    }
    let hint: string | undefined;
    if (status === 401 || status === 403) {
      hint = options.apiKeyEnv
        ? `set the environment variable ${options.apiKeyEnv} to a valid API key for ${baseUrl}`
        : `this server wants an API key: add apiKeyEnv to the model settings and set that environment variable`;
    } else if (status === 404) {
      hint = `check the model name "${options.model}" (GET ${baseUrl}/models lists the server's ids) and that baseUrl ends in /v1`;
    }
    return new ModelCallError(`HTTP ${status} from ${url}: ${excerpt}`, {
      failure: 'http',
      status,
      retryAfterMs: parseRetryAfter(headers),
      body: text,
      hint,
    });
  }

  async function readStream(
    response: Response,
    started: number,
    onDelta: GenerateRequest['onDelta'],
  ): Promise<GenerateResult> {
    const collected = { content: '', reasoning: '', reasoning_content: '', thinking: '', refusal: '' };
    const seen = new Set<string>();
    let finish: string | null | undefined;
    let usage: Usage = { ...emptyUsage };
    let done = false;
    let buffer = '';
    const decoder = new TextDecoder();
    const handleEvent = (data: string) => {
      if (data === '[DONE]') {
        done = true;
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        throw new ModelCallError(`malformed stream chunk from ${url}: ${withoutKey(data.slice(0, 200))}`, {
          failure: 'malformed',
        });
      }
      const chunk = ChunkBody.safeParse(json);
      if (!chunk.success) throw new ModelCallError(`malformed stream chunk from ${url}`, { failure: 'malformed' });
      if (chunk.data.error !== undefined && chunk.data.error !== null) {
        throw new ModelCallError(
          `error inside the stream from ${url}: ${withoutKey(JSON.stringify(chunk.data.error)).slice(0, 300)}`,
          {
            failure: 'malformed',
          },
        );
      }
      if (chunk.data.usage) usage = mapUsage(chunk.data.usage);
      for (const choice of chunk.data.choices ?? []) {
        if (choice.finish_reason) finish = choice.finish_reason;
        const delta = choice.delta ?? {};
        for (const key of ['content', 'reasoning', 'reasoning_content', 'thinking', 'refusal'] as const) {
          const value = delta[key];
          if (typeof value === 'string') {
            collected[key] += value;
            if (value !== '') seen.add(key);
            if (value !== '' && onDelta && key !== 'refusal')
              onDelta({ field: key === 'content' ? 'content' : 'reasoning', text: value });
          }
        }
      }
    };
    const handleBlock = (event: string) => {
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data !== '') handleEvent(data);
    };
    if (!response.body) throw new ModelCallError(`empty stream from ${url}`, { failure: 'malformed' });
    try {
      for await (const bytes of response.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(bytes, { stream: true }).replace(/\r\n/g, '\n');
        let boundary = buffer.indexOf('\n\n');
        while (boundary !== -1) {
          handleBlock(buffer.slice(0, boundary));
          buffer = buffer.slice(boundary + 2);
          boundary = buffer.indexOf('\n\n');
        }
      }
      // The last event may end the body without its blank line.
      handleBlock(`${buffer}${decoder.decode()}`.replace(/\r\n/g, '\n'));
    } catch (error) {
      if (error instanceof ModelCallError) throw error;
      throw new ModelCallError(`the stream from ${url} broke off: ${(error as Error).message}`, {
        failure: 'network',
        cause: error,
      });
    }
    if (!done && !finish) {
      throw new ModelCallError(`the stream from ${url} ended without a finish reason (truncated)`, {
        failure: 'malformed',
      });
    }
    const message = {
      content: collected.content,
      reasoning: seen.has('reasoning') ? collected.reasoning : null,
      reasoning_content: seen.has('reasoning_content') ? collected.reasoning_content : null,
      thinking: seen.has('thinking') ? collected.thinking : null,
      refusal: seen.has('refusal') ? collected.refusal : null,
    };
    const raw = { object: 'chat.completion', streamed: true, choices: [{ index: 0, message, finish_reason: finish }] };
    return resultFrom(message, finish, usage, Date.now() - started, raw);
  }

  function notJsonError(text: string, status: number): ModelCallError {
    if (/^\s*<(!doctype|html|head|body)\b/i.test(text)) {
      // A web page (a chat UI, a proxy login, the server's root): not transient, so not retried.
      return new ModelCallError(`${url} answered with an HTML page, not an OpenAI-compatible API response`, {
        failure: 'http',
        status,
        hint: 'set baseUrl to the API root of the server (usually ending in /v1, e.g. http://host:8000/v1), not a web page',
      });
    }
    return new ModelCallError(`malformed response from ${url}: not JSON (${text.slice(0, 120)}…)`, {
      failure: 'malformed',
    });
  }

  /** A 200 response → a result: an SSE stream, or one chat.completion body (also from a server ignoring `stream`). */
  async function readResponse(
    response: Response,
    stream: boolean,
    started: number,
    onDelta: GenerateRequest['onDelta'],
  ): Promise<GenerateResult> {
    const contentType = response.headers.get('content-type') ?? '';
    if (stream && !/application\/json|text\/html/i.test(contentType)) return readStream(response, started, onDelta);
    const text = withoutKey(await response.text());
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw notJsonError(text, response.status);
    }
    return parseCompletionBody(json, Date.now() - started);
  }

  return {
    id: `openai-compatible:${options.model}`,
    // Everything that changes the output goes in; the API key and the transport (stream or not) do not.
    cacheIdentity: `openai-compatible|${baseUrl}|${options.model}|${stableHash({
      preset: options.preset ?? null,
      extraBody: { ...behaviour.extraBody, ...options.extraBody },
      structuredOutput,
      prefilledThink: options.prefilledThink ?? false,
      historyReasoningField: behaviour.historyReasoningField,
    }).slice(0, 16)}`,
    baseUrl,
    modelName: options.model,
    buildRequestBody,
    parseCompletionBody,
    async close() {
      await pool?.close();
    },
    async doGenerate(request) {
      const stream = request.onDelta !== undefined || (options.stream ?? false);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: stream ? 'text/event-stream' : 'application/json',
      };
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      const started = Date.now();
      try {
        const response = await fetchFunction(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(buildRequestBody(request, { stream })),
          signal: request.signal,
        });
        if (!response.ok) throw httpError(response.status, response.headers, await response.text());
        return await readResponse(response, stream, started, request.onDelta);
      } catch (error) {
        if (request.signal?.aborted) {
          const reason: unknown = request.signal.reason;
          throw reason instanceof ModelCallError
            ? reason
            : new ModelCallError('cancelled', { failure: 'cancelled', cause: error });
        }
        if (error instanceof ModelCallError) throw error;
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const detail = cause?.code ?? cause?.message ?? (error as Error).message;
        throw new ModelCallError(`cannot reach ${url}: ${detail}`, {
          failure: 'network',
          cause: error,
          hint: `is the server running at ${baseUrl}?`,
        });
      }
    },
  };
}
