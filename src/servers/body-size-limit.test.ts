import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { limitBodySize } from './body-size-limit.js';

describe('limitBodySize', () => {
  const app = new Hono().post('/', limitBodySize(100), async (c) => c.text(String((await c.req.text()).length)));

  it('passes a body at the cap', async () => {
    const response = await app.request('/', { method: 'POST', body: 'x'.repeat(100) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('100');
  });

  it('refuses a body over the cap with 413 in the OpenAI error shape', async () => {
    const response = await app.request('/', { method: 'POST', body: 'x'.repeat(101) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'request_too_large' } });
  });
});
