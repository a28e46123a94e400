/**
 * @module servers/guard/guard-context
 * What every guard step shares: the options the guard was made with (spec, roles, settings, audit log, metrics)
 * and the state of one request as it moves through the steps, which ends as one audit entry.
 */
import type { Classification, ClassifyInput } from '../../grading/classify-conversation.js';
import type { GraderClient } from '../../grading/create-grader-client.js';
import type { PolicyCheck, PolicyCheckInput } from '../../grading/policy-check.js';
import type { ModelClient } from '../../models/model-client.js';
import type { DeliberationRecord } from '../../records/deliberation-record.js';
import type { GuardCheckRecord, GuardDecisionName } from '../../records/guard-audit-entry.js';
import type { GuardModeName, GuardSettings } from '../../records/guard-settings.js';
import type { Message } from '../../records/message.js';
import type { Spec } from '../../records/spec.js';
import type { Usage } from '../../records/usage.js';
import type { GuardChatRequest } from './chat-request.js';
import type { ReplyIdentity } from './chat-response.js';
import type { GuardAuditLog } from './guard-audit-log.js';
import type { GuardMetrics } from './guard-metrics.js';

export interface GuardRole {
  role: string;
  client: ModelClient;
  /** The role's chat template prefills `<think>` (model settings `prefilledThink`): matters when streaming. */
  prefilledThink?: boolean;
}

export interface Guard {
  spec: Spec;
  mode: GuardModeName;
  settings: GuardSettings;
  upstream: GuardRole;
  classifier: GuardRole | null;
  moderator: GuardRole | null;
  /** The classifier, through the grader client (null without a classifier role). */
  classify: GraderClient<ClassifyInput, Classification> | null;
  /** The moderator's policy check, through the grader client (null without a moderator). */
  policyCheck: GraderClient<PolicyCheckInput, PolicyCheck> | null;
  modelName: string;
  dryRun: boolean;
  audit: GuardAuditLog;
  metrics: GuardMetrics;
  refusal: string;
  now: () => Date;
}

/** The answer a request ends with (from the upstream, or the guard's policy response). */
export interface GuardReply {
  answer: string;
  reasoning: string | null;
  finishReason: string;
  usage: Usage;
  /** The upstream's own refusal field (provider refusal), passed on as it is. */
  refusal?: string;
}

export interface RequestState {
  identity: ReplyIdentity;
  started: number;
  request: GuardChatRequest | null;
  categories: string[];
  categorySource: 'classifier' | 'summary-only' | 'classifier-failed';
  checks: GuardCheckRecord[];
  decision: GuardDecisionName;
  ruleIds: string[];
  decisionCategories: string[];
  upstreamOutcome: string | null;
  /** Revise mode: what the deliberation did (audit entry). */
  deliberation?: DeliberationRecord;
  signal: AbortSignal;
}

export function newRequestState(guard: Guard, signal: AbortSignal): RequestState {
  const random = Math.random().toString(36).slice(2, 12);
  return {
    identity: {
      id: `chatcmpl-guard-${random}`,
      created: Math.floor(guard.now().getTime() / 1000),
      model: guard.modelName,
    },
    started: performance.now(),
    request: null,
    categories: [],
    categorySource: 'summary-only',
    checks: [],
    decision: 'allow',
    ruleIds: [],
    decisionCategories: [],
    upstreamOutcome: null,
    signal,
  };
}

/** The conversation as the client sent it (empty before the body was parsed). */
export function clientMessages(state: RequestState): Message[] {
  return state.request?.messages ?? [];
}
