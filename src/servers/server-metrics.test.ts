import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createServerMetrics } from './server-metrics.js';

describe('createServerMetrics', () => {
  it('counts requests by route and status, per server', async () => {
    const first = createServerMetrics('one');
    const second = createServerMetrics('one');
    const app = new Hono()
      .use(first.middleware)
      .get('/item/:id', (c) => c.text('ok'))
      .get('/metrics', () => first.respond());
    await app.request('/item/1');
    await app.request('/item/2');
    await app.request('/missing');
    const text = await (await app.request('/metrics')).text();
    expect(text).toContain('one_http_requests_total{route="/item/:id",status="200"} 2');
    expect(text).toContain('status="404"} 1');
    expect(await second.registry.metrics()).not.toContain('status="200"} 2');
  });
});
