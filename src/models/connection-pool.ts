/**
 * @module models/connection-pool
 * Keep-alive connections to one endpoint (an undici `Agent`): at most `connections` sockets per origin, each reused
 * for request after request, so a role with concurrency 64 keeps 64 warm sockets instead of opening new ones.
 */
import { Agent, fetch as undiciFetch } from 'undici';

export interface ConnectionPool {
  /** `fetch`, sent through the pool. */
  fetch: typeof fetch;
  /** Closes every socket (after the requests in flight). */
  close(): Promise<void>;
}

export function createConnectionPool(connections: number): ConnectionPool {
  const agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  const pooledFetch = ((input: string, init: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
  return { fetch: pooledFetch, close: () => agent.close() };
}
