/**
 * @module models/connection-pool
 * Keep-alive connections to one endpoint (an undici `Agent`): at most `connections` sockets per origin, each reused
 * for request after request, so a role with concurrency 64 keeps 64 warm sockets instead of opening new ones.
 * After a pause with nothing in flight the idle sockets are dropped and new ones opened: a server may have closed
 * them meanwhile (Node's default keep-alive is 5 s), and a request written to such a socket fails with a reset.
 */
import { Agent, fetch as undiciFetch } from 'undici';

export interface ConnectionPool {
  /** `fetch`, sent through the pool. */
  fetch: typeof fetch;
  /** Closes every socket (after the requests in flight). */
  close(): Promise<void>;
}

export interface ConnectionPoolOptions {
  /** Idle sockets are not reused after this long with no request in flight (default 1,000 ms). */
  reuseWithinMs?: number;
}

export function createConnectionPool(connections: number, options: ConnectionPoolOptions = {}): ConnectionPool {
  const reuseWithinMs = options.reuseWithinMs ?? 1_000;
  const newAgent = () =>
    new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  let agent = newAgent();
  let inFlight = 0;
  let lastSettled = Date.now();
  const pooledFetch = (async (input: string, init: RequestInit) => {
    if (inFlight === 0 && Date.now() - lastSettled > reuseWithinMs) {
      const stale = agent;
      agent = newAgent();
      void stale.close();
    }
    inFlight += 1;
    try {
      return await undiciFetch(input, { ...(init as object), dispatcher: agent });
    } finally {
      inFlight -= 1;
      lastSettled = Date.now();
    }
  }) as unknown as typeof fetch;
  return { fetch: pooledFetch, close: () => agent.close() };
}
