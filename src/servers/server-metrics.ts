/**
 * @module servers/server-metrics
 * One Prometheus registry per server (no global registry, so two servers in one process or test never share
 * counts): requests by route and status, and request duration. Servers add their own counters to `registry`.
 */
import type { MiddlewareHandler } from 'hono';
import { Counter, Histogram, Registry } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  /** Counts and times every request (route = the matched route path, so ids in paths do not explode labels). */
  middleware: MiddlewareHandler;
  /** The `/metrics` handler: Prometheus text format. */
  respond(): Promise<Response>;
}

/** Creates the registry and the shared request metrics, named `<prefix>_http_requests_total` and so on. */
export function createServerMetrics(prefix: string): ServerMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: `${prefix}_http_requests_total`,
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: `${prefix}_http_request_duration_seconds`,
    help: 'Time from request to response headers, by route',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  return {
    registry,
    middleware: async (context, next) => {
      const started = performance.now();
      await next();
      const route = context.req.routePath || context.req.path;
      requests.inc({ route, status: String(context.res.status) });
      duration.observe({ route }, (performance.now() - started) / 1000);
    },
    async respond() {
      return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
    },
  };
}
