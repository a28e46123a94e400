/**
 * @module models/connection-pool
 * Keep-alive connections to one endpoint (an undici `Agent`): at most `connections` sockets per origin, each reused
 * for request after request, so a role with concurrency 64 keeps 64 warm sockets instead of opening new ones.
 * Requests go through undici's `request` (not `fetch`): no WHATWG Request, Headers and web-stream objects per call,
 * which cost more CPU than the HTTP exchange itself at high request rates.
 * After a pause with nothing in flight the idle sockets are dropped and new ones opened: a server may have closed
 * them meanwhile (Node's default keep-alive is 5 s), and a request written to such a socket fails with a reset.
 */
import { Agent, request as undiciRequest } from 'undici';

/** The part of an HTTP response the backend reads. The body must be read (`text()` or iterated) exactly once. */
export interface WireResponse {
  status: number;
  /** A response header (case-insensitive name), or null. */
  header(name: string): string | null;
  text(): Promise<string>;
  body: AsyncIterable<Uint8Array>;
}

export interface WireRequest {
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal;
}

/** POSTs to an endpoint: through the pool, or through a caller's `fetch` (tests). */
export interface HttpTransport {
  post(url: string, request: WireRequest): Promise<WireResponse>;
  /** Closes every socket (after the requests in flight). */
  close(): Promise<void>;
}

export interface ConnectionPoolOptions {
  /** Idle sockets are not reused after this long with no request in flight (default 1,000 ms). */
  reuseWithinMs?: number;
}

export function createConnectionPool(connections: number, options: ConnectionPoolOptions = {}): HttpTransport {
  const reuseWithinMs = options.reuseWithinMs ?? 1_000;
  const newAgent = () =>
    new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  let agent = newAgent();
  let inFlight = 0;
  let lastSettled = Date.now();
  return {
    async post(url, wire) {
      if (inFlight === 0 && Date.now() - lastSettled > reuseWithinMs) {
        const stale = agent;
        agent = newAgent();
        void stale.close();
      }
      inFlight += 1;
      try {
        const response = await undiciRequest(url, {
          method: 'POST',
          headers: wire.headers,
          body: wire.body,
          signal: wire.signal,
          dispatcher: agent,
        });
        const headers = response.headers;
        return {
          status: response.statusCode,
          header(name) {
            const value = headers[name.toLowerCase()];
            return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
          },
          text: () => response.body.text(),
          body: response.body,
        };
      } finally {
        inFlight -= 1;
        lastSettled = Date.now();
      }
    },
    close: () => agent.close(),
  };
}

/** A transport over a `fetch` function (the test double of the backend's tests, or a user's instrumented fetch). */
export function fetchTransport(fetchFunction: typeof fetch): HttpTransport {
  return {
    async post(url, wire) {
      const response = await fetchFunction(url, {
        method: 'POST',
        headers: wire.headers,
        body: wire.body,
        signal: wire.signal,
      });
      return {
        status: response.status,
        header: (name) => response.headers.get(name),
        text: () => response.text(),
        body: (response.body ?? emptyBody()) as AsyncIterable<Uint8Array>,
      };
    },
    close: async () => {},
  };
}

async function* emptyBody(): AsyncIterable<Uint8Array> {}
