import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createConnectionPool, type HttpTransport } from './connection-pool.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A server answering after `delayMs`, counting the sockets it accepted and the most requests it held at once. */
async function countingServer(delayMs: number) {
  const stats = { sockets: 0, inFlight: 0, mostInFlight: 0 };
  server = createServer((_request, response) => {
    stats.inFlight += 1;
    stats.mostInFlight = Math.max(stats.mostInFlight, stats.inFlight);
    setTimeout(() => {
      stats.inFlight -= 1;
      response.end('{}');
    }, delayMs);
  });
  server.on('connection', () => {
    stats.sockets += 1;
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, stats };
}

async function sendAtOnce(transport: HttpTransport, url: string, count: number) {
  await Promise.all(
    Array.from({ length: count }, async () => {
      const response = await transport.post(url, { headers: {}, body: '{}' });
      await response.text();
    }),
  );
}

describe('connection pool', () => {
  it('opens as many sockets as requests in flight, up to its size, and reuses them afterwards', async () => {
    const { url, stats } = await countingServer(50);
    const pool = createConnectionPool(16);
    try {
      await sendAtOnce(pool, url, 16);
      expect(stats.mostInFlight).toBe(16);
      expect(stats.sockets).toBe(16);
      await sendAtOnce(pool, url, 16);
      await sendAtOnce(pool, url, 16);
      expect(stats.sockets).toBe(16);
    } finally {
      await pool.close();
    }
  });

  it('never opens more sockets than its size: the rest of the requests wait for a free one', async () => {
    const { url, stats } = await countingServer(20);
    const pool = createConnectionPool(4);
    try {
      await sendAtOnce(pool, url, 20);
      expect(stats.sockets).toBe(4);
      expect(stats.mostInFlight).toBe(4);
    } finally {
      await pool.close();
    }
  });

  it('opens new sockets after a pause with nothing in flight (the server may have closed the idle ones)', async () => {
    const { url, stats } = await countingServer(5);
    const pool = createConnectionPool(4, { reuseWithinMs: 100 });
    try {
      await sendAtOnce(pool, url, 4);
      expect(stats.sockets).toBe(4);
      await new Promise((resolve) => setTimeout(resolve, 250));
      await sendAtOnce(pool, url, 4);
      expect(stats.sockets).toBe(8);
    } finally {
      await pool.close();
    }
  });
});
