/**
 * @module servers/start-http-server
 * Listen and shut down for every server: binds 127.0.0.1 unless told otherwise, refuses to listen off loopback
 * without a bearer token, and closes gracefully (stops accepting, lets requests in flight finish, then cuts what is
 * left after a grace period).
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { ConfigError } from '../errors.js';

export const defaultHost = '127.0.0.1';

export interface StartHttpServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Whether a bearer token protects the server (required off loopback). */
  hasToken: boolean;
  /** How the token is provided, for the error message (e.g. "the environment variable DELIBERATE_GUARD_TOKEN"). */
  tokenSource: string;
  /** How long close() waits for requests in flight before cutting them. Default 10 s. */
  shutdownGraceMs?: number;
}

export interface RunningHttpServer {
  /** `http://host:port` */
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** Starts `app` on host:port; rejects with a ConfigError off loopback without a token, or when the port is taken. */
export async function startHttpServer(
  app: Hono<never> | Hono,
  options: StartHttpServerOptions,
): Promise<RunningHttpServer> {
  const host = options.host ?? defaultHost;
  if (!isLoopbackHost(host) && !options.hasToken) {
    throw new ConfigError(`refusing to listen on ${host} without a bearer token`, {
      hint: `set ${options.tokenSource}, or bind 127.0.0.1 (the default) and put a proxy with auth in front`,
    });
  }
  const server = serve({ fetch: app.fetch, hostname: host, port: options.port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ConfigError(`cannot listen on ${host}:${options.port}: ${error.code ?? error.message}`, {
          hint: error.code === 'EADDRINUSE' ? 'choose another --port, or stop what is using this one' : undefined,
          cause: error,
        }),
      ),
    );
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    host,
    close: () => closeGracefully(server, options.shutdownGraceMs ?? 10_000),
  };
}

type ClosableServer = ReturnType<typeof serve> & {
  closeIdleConnections?: () => void;
  closeAllConnections?: () => void;
};

function closeGracefully(server: ClosableServer, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections?.(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections?.();
  });
}
