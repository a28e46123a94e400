/**
 * @module servers/body-size-limit
 * A request body cap for the servers: a larger body is refused with 413 in the OpenAI error shape before it is read
 * in full (Hono's bodyLimit checks Content-Length and counts streamed bytes).
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { openAIErrorResponse } from './openai-error.js';

/** Default cap: 4 MiB, room for a long conversation, far below what would hurt the process. */
export const defaultMaxBodyBytes = 4 * 1024 * 1024;

export function limitBodySize(maxBytes: number = defaultMaxBodyBytes): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () =>
      openAIErrorResponse(
        413,
        'request_too_large',
        `the request body is larger than ${maxBytes} bytes; send a shorter conversation or start the server with a larger body cap`,
      ),
  });
}
