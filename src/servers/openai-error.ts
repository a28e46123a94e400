/**
 * @module servers/openai-error
 * Errors in the OpenAI API's shape (`{ error: { message, type, code, param } }`), so every OpenAI client reads
 * them. Used by every server in this folder: auth, body size, bad requests, upstream failures.
 */

export interface OpenAIErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

/** The `type` OpenAI uses for a status class. */
function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413 || status === 400 || status === 422) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_error';
  return 'server_error';
}

export function openAIErrorBody(status: number, code: string, message: string, param: string | null = null) {
  return { error: { message, type: errorType(status), code, param } } satisfies OpenAIErrorBody;
}

/** A JSON error response; `headers` are added (e.g. the guard's decision header). */
export function openAIErrorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(openAIErrorBody(status, code, message)), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
