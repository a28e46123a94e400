import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, startHttpServer } from './start-http-server.js';

describe('startHttpServer', () => {
  const app = new Hono().get('/', (c) => c.text('hello'));

  it('listens on 127.0.0.1 by default and closes', async () => {
    const server = await startHttpServer(app, { port: 0, hasToken: false, tokenSource: 'TOKEN' });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(server.url)).text()).toBe('hello');
    await server.close();
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('refuses to listen off loopback without a token, naming where the token comes from', async () => {
    await expect(
      startHttpServer(app, { host: '0.0.0.0', port: 0, hasToken: false, tokenSource: 'MY_TOKEN' }),
    ).rejects.toThrow(/without a bearer token/);
  });

  it('says when the port is taken', async () => {
    const first = await startHttpServer(app, { port: 0, hasToken: false, tokenSource: 'TOKEN' });
    try {
      await expect(startHttpServer(app, { port: first.port, hasToken: false, tokenSource: 'TOKEN' })).rejects.toThrow(
        /EADDRINUSE/,
      );
    } finally {
      await first.close();
    }
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com'].some(isLoopbackHost)).toBe(false);
  });
});
