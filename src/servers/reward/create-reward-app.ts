/**
 * @module servers/reward/create-reward-app
 * The reward server's routes (Hono): `POST /reward` in OpenRLHF's remote protocol or the generic form,
 * `GET /health`, `GET /metrics` (Prometheus text). Bearer token, body cap, per-request deadline; a judge outage is
 * 503 with the reason, never rewards of 0. Listening and shutdown are `startHttpServer`'s (servers/).
 */
import { Hono } from 'hono';
import { Counter } from 'prom-client';
import type { RewardSettings } from '../../records/reward-settings.js';
import { requireBearerToken } from '../bearer-token.js';
import { limitBodySize } from '../body-size-limit.js';
import { openAIErrorResponse } from '../openai-error.js';
import { createServerMetrics, type ServerMetrics } from '../server-metrics.js';
import { parseRewardRequest } from './reward-request.js';
import {
  type RewardCounters,
  type RewardDetail,
  type RewardScorer,
  RewardUnavailableError,
  scoreRewardItems,
} from './score-reward-items.js';

export interface RewardAppOptions {
  /** The scorer without its counters: the app wires them to its metrics. */
  scorer: Omit<RewardScorer, 'counters'>;
  settings: Pick<RewardSettings, 'fallback' | 'deadlineSeconds' | 'maxBodyBytes'>;
  /** With a token, every route but /health needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Shown by /health. */
  judgeId?: string;
}

export interface RewardApp {
  app: Hono;
  metrics: ServerMetrics;
}

function rewardCounters(metrics: ServerMetrics): RewardCounters {
  const registers = [metrics.registry];
  const judgeCalls = new Counter({
    name: 'deliberate_reward_judge_calls_total',
    help: 'Answers sent to the grader',
    registers,
  });
  const cacheHits = new Counter({
    name: 'deliberate_reward_cache_hits_total',
    help: 'Answers whose verdict came from the cache',
    registers,
  });
  const unscored = new Counter({
    name: 'deliberate_reward_unscored_total',
    help: 'Answers that could not be graded, by reason',
    labelNames: ['reason'] as const,
    registers,
  });
  return {
    judgeCall: () => judgeCalls.inc(),
    cacheHit: () => cacheHits.inc(),
    unscored: (reason) => unscored.inc({ reason }),
  };
}

/** OpenRLHF needs numbers: an unscored item gets the configured fallback and `judge_failed: 1` in extra_logs. */
export function openRlhfResponse(details: RewardDetail[], fallback: number) {
  const rewards = details.map((detail) => detail.reward ?? fallback);
  return {
    rewards,
    scores: rewards,
    extra_logs: {
      judge_failed: details.map((detail) => (detail.reward === null ? 1 : 0)),
      judge_score: details.map((detail) => detail.score ?? fallback),
    },
  };
}

function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, seconds: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new RewardUnavailableError(`the request deadline of ${seconds} s passed before the judge answered`, 'deadline'),
      );
    }, seconds * 1000);
  });
  return Promise.race([work(controller.signal), deadline]).finally(() => clearTimeout(timer));
}

/** Builds the app; the caller starts it with `startHttpServer` (or calls `app.request` in tests). */
export function createRewardApp(options: RewardAppOptions): RewardApp {
  const metrics = createServerMetrics('deliberate_reward');
  const scorer: RewardScorer = { ...options.scorer, counters: rewardCounters(metrics) };
  const app = new Hono();
  app.use(metrics.middleware);
  app.use(requireBearerToken(options.token, { open: ['/health'] }));
  app.get('/health', (c) =>
    c.json({
      status: 'ok',
      spec: { version: scorer.spec.version, hash: scorer.spec.hash },
      judge: options.judgeId ?? null,
      runs: scorer.runs,
      cachedVerdicts: scorer.cache.size,
    }),
  );
  app.get('/metrics', () => metrics.respond());
  app.post('/reward', limitBodySize(options.settings.maxBodyBytes), async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return openAIErrorResponse(400, 'invalid_json', 'the request body is not JSON');
    }
    const parsed = parseRewardRequest(body);
    if (parsed.form === 'invalid') return openAIErrorResponse(400, 'invalid_request', parsed.message);
    try {
      const details = await withDeadline(
        (signal) => scoreRewardItems(parsed.items, scorer, signal),
        options.settings.deadlineSeconds,
      );
      if (parsed.form === 'openrlhf') return c.json(openRlhfResponse(details, options.settings.fallback));
      return c.json({ rewards: details.map((detail) => detail.reward), details });
    } catch (error) {
      if (!(error instanceof RewardUnavailableError)) throw error;
      scorer.counters.unscored(error.reason);
      return openAIErrorResponse(503, error.reason, error.message, { 'retry-after': '5' });
    }
  });
  return { app, metrics };
}
