/**
 * @module models/openai-call-errors
 * The typed failures of the openai-compatible backend that need the endpoint to explain them: an HTTP error status
 * (a provider refusal, a bad key, a wrong model name or path, or a retryable status with its Retry-After), a reply
 * that is not JSON (an HTML page means a wrong baseUrl), and a server that cannot be reached.
 */
import { ModelCallError, namesContentPolicy, parseRetryAfter } from './model-call-error.js';

export interface EndpointIdentity {
  baseUrl: string;
  url: string;
  model: string;
  apiKeyEnv?: string;
}

/** A non-2xx reply → its ModelCallError (`body` already has the key removed). */
export function httpStatusError(
  endpoint: EndpointIdentity,
  reply: { status: number; header(name: string): string | null; body: string },
): ModelCallError {
  const { status, body } = reply;
  const excerpt = body.slice(0, 300);
  if (status === 400 && namesContentPolicy(body)) {
    return new ModelCallError(`provider refused the request (HTTP 400): ${excerpt}`, {
      failure: 'refusal',
      status,
      body,
    });
  }
  let hint: string | undefined;
  if (status === 401 || status === 403) {
    hint = endpoint.apiKeyEnv
      ? `set the environment variable ${endpoint.apiKeyEnv} to a valid API key for ${endpoint.baseUrl}`
      : `this server wants an API key: add apiKeyEnv to the model settings and set that environment variable`;
  } else if (status === 404) {
    hint = `check the model name "${endpoint.model}" (GET ${endpoint.baseUrl}/models lists the server's ids) and that baseUrl ends in /v1`;
  }
  return new ModelCallError(`HTTP ${status} from ${endpoint.url}: ${excerpt}`, {
    failure: 'http',
    status,
    retryAfterMs: parseRetryAfter(reply),
    body,
    hint,
  });
}

/** A 200 reply whose body is not JSON. */
export function notJsonError(endpoint: EndpointIdentity, text: string, status: number): ModelCallError {
  if (/^\s*<(!doctype|html|head|body)\b/i.test(text)) {
    // A web page (a chat UI, a proxy login, the server's root): not transient, so not retried.
    return new ModelCallError(`${endpoint.url} answered with an HTML page, not an OpenAI-compatible API response`, {
      failure: 'http',
      status,
      hint: 'set baseUrl to the API root of the server (usually ending in /v1, e.g. http://host:8000/v1), not a web page',
    });
  }
  return new ModelCallError(`malformed response from ${endpoint.url}: not JSON (${text.slice(0, 120)}…)`, {
    failure: 'malformed',
  });
}

/** What a request that failed before any reply becomes: the user's cancellation, or a `network` failure. */
export function sendError(endpoint: EndpointIdentity, error: unknown, signal: AbortSignal | undefined): ModelCallError {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof ModelCallError
      ? reason
      : new ModelCallError('cancelled', { failure: 'cancelled', cause: error });
  }
  if (error instanceof ModelCallError) return error;
  // fetch wraps the socket error as `cause`; undici's request throws it directly.
  const failed = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const detail = failed.cause?.code ?? failed.cause?.message ?? failed.code ?? failed.message;
  return new ModelCallError(`cannot reach ${endpoint.url}: ${detail}`, {
    failure: 'network',
    cause: error,
    hint: `is the server running at ${endpoint.baseUrl}?`,
  });
}
