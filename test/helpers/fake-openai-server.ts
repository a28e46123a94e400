/**
 * A local fake OpenAI-compatible server for tests: `/v1/chat/completions` (streaming and not) and `/v1/models`.
 * Each request is recorded; the reply comes from a handler the test gives, so any engine quirk or fault can be played.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequestBody {
  model: string;
  messages: Array<{ role: string; content: string | null; [key: string]: unknown }>;
  stream?: boolean;
  [key: string]: unknown;
}

export interface RecordedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: ChatRequestBody;
}

/** What a handler returns: a chat message to wrap, or full control over the HTTP exchange. */
export type FakeReply =
  | {
      kind?: 'message';
      content?: string | null;
      reasoning_content?: string;
      reasoning?: string;
      thinking?: string;
      refusal?: string;
      finish_reason?: string;
      usage?: Record<string, unknown>;
      /** Streaming: characters per chunk (default 3, so tags are cut in half). */
      chunkSize?: number;
      /** Wait this long before answering (a slow but healthy server). */
      delayMs?: number;
    }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'raw'; status?: number; body: string; headers?: Record<string, string> }
  | { kind: 'stall' }
  | { kind: 'reset' }
  | { kind: 'truncated-stream'; content: string }
  /** A stream that sends some content, then an `error` object inside the stream (as vLLM does on engine errors). */
  | { kind: 'stream-error'; content: string; message?: string };

export type FakeHandler = (body: ChatRequestBody, index: number) => FakeReply | Promise<FakeReply>;

export interface FakeOpenAIServer {
  url: string;
  /** Base URL to put in configs: `${url}/v1`. */
  baseUrl: string;
  requests: RecordedRequest[];
  setHandler(handler: FakeHandler): void;
  close(): Promise<void>;
}

function defaultUsage(body: ChatRequestBody, completion: string) {
  const promptChars = body.messages.reduce((sum, message) => sum + String(message.content ?? '').length, 0);
  return {
    prompt_tokens: Math.ceil(promptChars / 4),
    completion_tokens: Math.ceil(completion.length / 4),
    total_tokens: Math.ceil(promptChars / 4) + Math.ceil(completion.length / 4),
  };
}

/** The `chat.completion` body the fake server answers a non-streamed request with (also what a fake batch job writes). */
export function fakeCompletionBody(body: ChatRequestBody, reply: Extract<FakeReply, { kind?: 'message' }>) {
  const message: Record<string, unknown> = { role: 'assistant', content: reply.content ?? null };
  for (const key of ['reasoning_content', 'reasoning', 'thinking', 'refusal'] as const) {
    if (reply[key] !== undefined) message[key] = reply[key];
  }
  const text = `${reply.reasoning_content ?? reply.reasoning ?? reply.thinking ?? ''}${reply.content ?? ''}`;
  return {
    id: `chatcmpl-fake-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message, finish_reason: reply.finish_reason ?? 'stop' }],
    usage: reply.usage ?? defaultUsage(body, text),
  };
}

function writeMessage(
  response: ServerResponse,
  body: ChatRequestBody,
  reply: Extract<FakeReply, { kind?: 'message' }>,
) {
  const completion = fakeCompletionBody(body, reply);
  if (!body.stream) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(completion));
    return;
  }
  const { id, created, usage } = completion;
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const size = reply.chunkSize ?? 3;
  const send = (delta: Record<string, unknown>, finish: string | null = null) =>
    response.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
    );
  send({ role: 'assistant', content: '' });
  for (const key of ['reasoning_content', 'reasoning', 'thinking'] as const) {
    const value = reply[key];
    if (value === undefined) continue;
    for (let i = 0; i < value.length; i += size) send({ [key]: value.slice(i, i + size) });
  }
  if (reply.refusal !== undefined) send({ refusal: reply.refusal });
  const content = reply.content ?? '';
  for (let i = 0; i < content.length; i += size) send({ content: content.slice(i, i + size) });
  send({}, reply.finish_reason ?? 'stop');
  response.write(
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage })}\n\n`,
  );
  response.end('data: [DONE]\n\n');
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface FakeOpenAIServerOptions {
  /** Ids listed by `GET /v1/models` (default `['fake-model']`). */
  models?: string[];
  /** More fields of a listed model's card, by id (e.g. vLLM's `max_model_len`). */
  modelCards?: Record<string, Record<string, unknown>>;
  /** Answer 401 on every route unless the request carries `Authorization: Bearer <apiKey>` (as `vllm --api-key`). */
  apiKey?: string;
  /** false: `GET /v1/models` is a 404 (a server or proxy without the route). */
  listModels?: boolean;
}

/** Starts the fake server on 127.0.0.1 with a free port. Close it in `afterEach`/`finally`. */
export async function startFakeOpenAIServer(
  handler: FakeHandler,
  options: FakeOpenAIServerOptions = {},
): Promise<FakeOpenAIServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const stalled = new Set<ServerResponse>();
  const server: Server = createServer(async (request, response) => {
    const path = request.url ?? '/';
    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } }));
      return;
    }
    if (request.method === 'GET' && path.endsWith('/models') && options.listModels !== false) {
      response.writeHead(200, { 'content-type': 'application/json' });
      const ids = options.models ?? ['fake-model'];
      response.end(
        JSON.stringify({
          object: 'list',
          data: ids.map((id) => ({ id, object: 'model', ...options.modelCards?.[id] })),
        }),
      );
      return;
    }
    if (request.method !== 'POST' || !path.endsWith('/chat/completions')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `no route ${request.method} ${path}` } }));
      return;
    }
    const body = JSON.parse(await readBody(request)) as ChatRequestBody;
    const index = requests.length;
    requests.push({ path, headers: request.headers, body });
    const reply = await current(body, index);
    switch (reply.kind) {
      case 'status':
        response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        response.end(JSON.stringify(reply.body ?? { error: { message: `status ${reply.status}` } }));
        return;
      case 'raw':
        response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        response.end(reply.body);
        return;
      case 'stall':
        stalled.add(response);
        return;
      case 'reset':
        request.socket.destroy();
        return;
      case 'stream-error': {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(
          `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: body.model, choices: [{ index: 0, delta: { content: reply.content }, finish_reason: null }] })}\n\n`,
        );
        response.end(
          `data: ${JSON.stringify({ error: { message: reply.message ?? 'engine error', type: 'InternalServerError', code: 500 } })}\n\ndata: [DONE]\n\n`,
        );
        return;
      }
      case 'truncated-stream': {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(
          `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: body.model, choices: [{ index: 0, delta: { content: reply.content }, finish_reason: null }] })}\n\n`,
        );
        setTimeout(() => request.socket.destroy(), 10);
        return;
      }
      default:
        if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        writeMessage(response, body, reply);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrl: `${url}/v1`,
    requests,
    setHandler(next) {
      current = next;
    },
    async close() {
      for (const response of stalled) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
