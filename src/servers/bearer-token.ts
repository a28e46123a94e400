/**
 * @module servers/bearer-token
 * Bearer-token middleware for the servers: with a token set, a request without `Authorization: Bearer <token>` gets
 * 401 in the OpenAI error shape; the comparison takes the same time whatever the token. Without a token every request
 * passes (servers refuse to start off loopback without one: `startHttpServer`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { openAIErrorResponse } from './openai-error.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** True when `header` is `Bearer <token>` (constant-time over the hashes, so length leaks nothing either). */
export function bearerTokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  return timingSafeEqual(digest(match[1]!.trim()), digest(token));
}

/** Middleware: 401 unless the request carries the token. `open` paths (e.g. `/health`) are not checked. */
export function requireBearerToken(
  token: string | undefined,
  options: { open?: readonly string[] } = {},
): MiddlewareHandler {
  const open = new Set(options.open ?? []);
  return async (context, next) => {
    if (token === undefined || open.has(context.req.path)) return next();
    if (!bearerTokenMatches(context.req.header('authorization'), token)) {
      return openAIErrorResponse(
        401,
        'invalid_api_key',
        'missing or wrong bearer token: send Authorization: Bearer <token> with the token this server was started with',
        { 'www-authenticate': 'Bearer' },
      );
    }
    return next();
  };
}
