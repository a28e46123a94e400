/**
 * @module servers/guard/create-guard-app
 * The guard as a Hono app: `POST /v1/chat/completions`, `GET /v1/models`, `GET /health` (open), `GET /metrics`;
 * bearer token and body cap from the shared server plumbing. `startGuardServer` listens (127.0.0.1 by default).
 */
import { Hono } from 'hono';
import { DeliberateError } from '../../errors.js';
import { createClassifierGrader } from '../../grading/classify-conversation.js';
import { createGraderClient } from '../../grading/create-grader-client.js';
import { createPolicyCheckGrader } from '../../grading/policy-check.js';
import type { GuardModeName, GuardSettings } from '../../records/guard-settings.js';
import type { Spec } from '../../records/spec.js';
import { requireBearerToken } from '../bearer-token.js';
import { limitBodySize } from '../body-size-limit.js';
import { openAIErrorResponse } from '../openai-error.js';
import { createServerMetrics } from '../server-metrics.js';
import { type RunningHttpServer, startHttpServer } from '../start-http-server.js';
import { openGuardAuditLog } from './guard-audit-log.js';
import type { Guard, GuardRole } from './guard-context.js';
import { createGuardMetrics } from './guard-metrics.js';
import { guardModes } from './guard-modes.js';
import { handleChatCompletion } from './handle-chat-completion.js';
import { refusalText } from './policy-response.js';

export interface GuardOptions {
  spec: Spec;
  settings: GuardSettings;
  /** Overrides `settings.mode`. */
  mode?: GuardModeName;
  upstream: GuardRole;
  classifier?: GuardRole | null;
  moderator?: GuardRole | null;
  dryRun?: boolean;
  /** The audit log file, resolved; null keeps none. */
  auditFile: string | null;
  /** Requests must carry `Authorization: Bearer <token>` when set. */
  token?: string;
  now?: () => Date;
}

export interface GuardApp {
  app: Hono;
  guard: Guard;
}

/** The moderation decisions' one way in: the policy-check grader behind the grader client. */
function policyCheckClient(spec: Spec, moderator: GuardRole) {
  return createGraderClient(createPolicyCheckGrader({ checker: moderator.client, spec }), {
    role: moderator.role,
    modelId: moderator.client.id,
  });
}

/** The categories' one way in: the classifier grader behind the grader client. */
function classifyClient(spec: Spec, classifier: GuardRole) {
  return createGraderClient(createClassifierGrader({ classifier: classifier.client, spec }), {
    role: classifier.role,
    modelId: classifier.client.id,
  });
}

export function createGuardApp(options: GuardOptions): GuardApp {
  const mode = options.mode ?? options.settings.mode;
  if (guardModes[mode].policyChecks && !options.moderator) {
    throw new DeliberateError(`guard mode ${mode} needs a role for the policy checks, and none is configured`, {
      hint: 'add a judge or classifier role under models, or set guard.moderator to a role',
    });
  }
  const server = createServerMetrics('deliberate_guard');
  const guard: Guard = {
    spec: options.spec,
    mode,
    settings: options.settings,
    upstream: options.upstream,
    classifier: options.classifier ?? null,
    moderator: options.moderator ?? null,
    classify: options.classifier ? classifyClient(options.spec, options.classifier) : null,
    policyCheck: options.moderator ? policyCheckClient(options.spec, options.moderator) : null,
    modelName: options.settings.modelName ?? `guard:${options.upstream.role}`,
    dryRun: options.dryRun ?? false,
    audit: openGuardAuditLog(options.auditFile, options.settings.audit),
    metrics: createGuardMetrics(server.registry),
    refusal: refusalText(options.spec, options.settings.refusalText),
    now: options.now ?? (() => new Date()),
  };
  const app = new Hono();
  app.use(server.middleware);
  app.use(requireBearerToken(options.token, { open: ['/health'] }));
  app.get('/health', (c) =>
    c.json({ status: 'ok', mode, dryRun: guard.dryRun, upstream: guard.upstream.role, model: guard.modelName }),
  );
  app.get('/metrics', () => server.respond());
  app.get('/v1/models', (c) =>
    c.json({
      object: 'list',
      data: [{ id: guard.modelName, object: 'model', created: 0, owned_by: 'deliberate-guard' }],
    }),
  );
  app.post('/v1/chat/completions', limitBodySize(options.settings.maxBodyBytes), (c) => handleChatCompletion(c, guard));
  app.notFound((c) => openAIErrorResponse(404, 'not_found', `no route ${c.req.method} ${c.req.path}`));
  app.onError((error) =>
    openAIErrorResponse(500, 'guard_internal_error', `the guard failed: ${(error as Error).message}`),
  );
  return { app, guard };
}

export interface StartGuardServerOptions extends GuardOptions {
  host?: string;
  port: number;
  /** For the error when the token is missing off loopback. */
  tokenSource: string;
}

export async function startGuardServer(
  options: StartGuardServerOptions,
): Promise<RunningHttpServer & { guard: Guard }> {
  const { app, guard } = createGuardApp(options);
  const running = await startHttpServer(app, {
    host: options.host,
    port: options.port,
    hasToken: options.token !== undefined,
    tokenSource: options.tokenSource,
  });
  return { ...running, guard };
}
