import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bearerTokenMatches, requireBearerToken } from './bearer-token.js';

function app(token: string | undefined) {
  return new Hono()
    .use(requireBearerToken(token, { open: ['/health'] }))
    .get('/health', (c) => c.text('ok'))
    .get('/private', (c) => c.text('secret'));
}

describe('requireBearerToken', () => {
  it('lets every request through without a token', async () => {
    expect((await app(undefined).request('/private')).status).toBe(200);
  });

  it('answers 401 in the OpenAI error shape without the token, 200 with it', async () => {
    const server = app('s3cret');
    const missing = await server.request('/private');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: 'invalid_api_key', type: 'authentication_error' } });
    expect((await server.request('/private', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await server.request('/private', { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
  });

  it('leaves open paths open', async () => {
    expect((await app('s3cret').request('/health')).status).toBe(200);
  });

  it('matches only the exact token after "Bearer"', () => {
    expect(bearerTokenMatches('Bearer abc', 'abc')).toBe(true);
    expect(bearerTokenMatches('bearer abc', 'abc')).toBe(true);
    expect(bearerTokenMatches('abc', 'abc')).toBe(false);
    expect(bearerTokenMatches('Bearer abcd', 'abc')).toBe(false);
    expect(bearerTokenMatches(undefined, 'abc')).toBe(false);
  });
});
