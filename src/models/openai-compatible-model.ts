/**
 * @module models/openai-compatible-model
 * The `openai-compatible` backend: `/v1/chat/completions`, streaming and not, on vLLM, SGLang, Ollama, llama.cpp,
 * OpenAI, DeepSeek, Together. A thin fetch layer (not the AI SDK's provider) because the SDK drops what this layer
 * must see: the `refusal` and `thinking` fields, harmony text, the reasoning field each engine wants back in history,
 * and the raw status, headers and body needed for retries (docs/models.md, "Why not the AI SDK provider").
 */
import { stableHash } from '../io/stable-hash.js';
import type { BackendPreset, StructuredOutputMode } from '../records/model-settings.js';
import type { ChatModel, GenerateRequest, GenerateResult } from './chat-model.js';
import { createConnectionPool, fetchTransport, type HttpTransport, type WireResponse } from './connection-pool.js';
import { type EndpointIdentity, httpStatusError, notJsonError, sendError } from './openai-call-errors.js';
import { parseCompletionBody } from './openai-completion-body.js';
import { buildOpenAIRequestBody, type RequestBodySettings } from './openai-request-body.js';
import { presetBehaviour } from './presets.js';
import { readOpenAIStream } from './read-openai-stream.js';

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

/** Everything that changes the output goes in; the API key and the transport (stream or not) do not. */
function cacheIdentityOf(options: OpenAICompatibleModelOptions, baseUrl: string, settings: RequestBodySettings) {
  const hash = stableHash({
    preset: options.preset ?? null,
    extraBody: { ...settings.behaviour.extraBody, ...options.extraBody },
    structuredOutput: settings.structuredOutput,
    prefilledThink: options.prefilledThink ?? false,
    historyReasoningField: settings.behaviour.historyReasoningField,
  });
  return `openai-compatible|${baseUrl}|${options.model}|${hash.slice(0, 16)}`;
}

function requestHeaders(stream: boolean, apiKey: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
  };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  return headers;
}

/** Creates the openai-compatible backend. */
export function createOpenAICompatibleModel(options: OpenAICompatibleModelOptions): OpenAICompatibleModel {
  const behaviour = presetBehaviour(options.preset);
  const settings: RequestBodySettings = {
    model: options.model,
    behaviour,
    structuredOutput: options.harmony ? 'prompt' : (options.structuredOutput ?? behaviour.structuredOutput),
    extraBody: options.extraBody,
  };
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const endpoint: EndpointIdentity = {
    baseUrl,
    url: `${baseUrl}/chat/completions`,
    model: options.model,
    apiKeyEnv: options.apiKeyEnv,
  };
  const transport: HttpTransport = options.fetch
    ? fetchTransport(options.fetch)
    : createConnectionPool(options.connections ?? 8);
  /** Some servers and proxies echo the key they rejected; it must not reach messages, logs or judgements. */
  const withoutKey = (text: string) => (options.apiKey ? text.split(options.apiKey).join('[api key]') : text);
  const parseBody = (body: unknown, latencyMs: number) =>
    parseCompletionBody(body, latencyMs, { url: endpoint.url, prefilledThink: options.prefilledThink });

  /** A 2xx reply → a result: an SSE stream, or one chat.completion body (also from a server ignoring `stream`). */
  async function readReply(response: WireResponse, request: GenerateRequest, stream: boolean, started: number) {
    const contentType = response.header('content-type') ?? '';
    if (stream && !/application\/json|text\/html/i.test(contentType)) {
      const context = { url: endpoint.url, started, onDelta: request.onDelta, withoutKey };
      return readOpenAIStream(response.body, { ...context, prefilledThink: options.prefilledThink });
    }
    const text = withoutKey(await response.text());
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw notJsonError(endpoint, text, response.status);
    }
    return parseBody(json, Date.now() - started);
  }

  async function doGenerate(request: GenerateRequest): Promise<GenerateResult> {
    const stream = request.onDelta !== undefined || (options.stream ?? false);
    const started = Date.now();
    try {
      const response = await transport.post(endpoint.url, {
        headers: requestHeaders(stream, options.apiKey),
        body: JSON.stringify(buildOpenAIRequestBody(settings, request, { stream })),
        signal: request.signal,
      });
      if (response.status < 200 || response.status > 299) {
        const body = withoutKey(await response.text());
        throw httpStatusError(endpoint, { status: response.status, header: response.header, body });
      }
      return await readReply(response, request, stream, started);
    } catch (error) {
      throw sendError(endpoint, error, request.signal);
    }
  }

  return {
    id: `openai-compatible:${options.model}`,
    cacheIdentity: cacheIdentityOf(options, baseUrl, settings),
    baseUrl,
    modelName: options.model,
    buildRequestBody: (request, bodyOptions) => buildOpenAIRequestBody(settings, request, bodyOptions),
    parseCompletionBody: parseBody,
    close: () => transport.close(),
    doGenerate,
  };
}
