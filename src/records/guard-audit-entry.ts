import { z } from 'zod';
import { Action } from './action.js';
import { DeliberationRecord } from './deliberation-record.js';
import { GuardModeName } from './guard-settings.js';
import { UnscoredReason } from './unscored-reason.js';

/** One policy check as the audit log keeps it (the rationale only with `content: full`: it may quote the text). */
export const GuardCheckRecord = z.union([
  z.object({
    stage: z.enum(['input', 'output', 'safe-completion']),
    ok: z.literal(true),
    violation: z.boolean(),
    categories: z.array(z.string()),
    ruleIds: z.array(z.string()),
    unknownIds: z.array(z.string()),
    action: Action,
    rationale: z.string().optional(),
    latencyMs: z.number(),
  }),
  z.object({
    stage: z.enum(['input', 'output', 'safe-completion']),
    ok: z.literal(false),
    /** The model layer's failure kind (transport-failure, cancelled, schema-failure, ...). */
    kind: z.string(),
    message: z.string(),
    /** Set when the checker answered but gave no usable verdict (the check is unscored, not an outage). */
    unscoredReason: UnscoredReason.optional(),
    latencyMs: z.number(),
  }),
]);
export type GuardCheckRecord = z.infer<typeof GuardCheckRecord>;

/** What the guard did with a request. `would-*`: what it would have done, in `--dry-run`. */
export const GuardDecisionName = z.enum([
  'allow',
  'block',
  'safe-complete',
  'log-only',
  'would-block',
  'would-safe-complete',
  'moderation-unavailable',
  'fail-open',
  'upstream-error',
  'bad-request',
]);
export type GuardDecisionName = z.infer<typeof GuardDecisionName>;

/** The conversation and answer as the audit log keeps them: the text, its sha256 (hex, of the JSON), or nothing. */
export const GuardAuditContent = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('full'), messages: z.array(z.unknown()), answer: z.string().nullable() }),
  z.object({ mode: z.literal('hashed'), messagesSha256: z.string(), answerSha256: z.string().nullable() }),
  z.object({ mode: z.literal('none') }),
]);

/** One line of the guard's audit log (docs/guard.md). Never an API key or a request header. */
export const GuardAuditEntry = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('deliberate-guard-audit'),
  time: z.string(),
  requestId: z.string(),
  mode: GuardModeName,
  dryRun: z.boolean(),
  model: z.string(),
  upstream: z.object({ role: z.string(), modelId: z.string() }),
  specHash: z.string(),
  policyCheckVersion: z.string().nullable(),
  /** Categories of spec(category): from the classifier, or none (summary-only). */
  categories: z.array(z.string()),
  categorySource: z.enum(['classifier', 'summary-only', 'classifier-failed']),
  checks: z.array(GuardCheckRecord),
  decision: GuardDecisionName,
  /** Rule ids and categories behind the decision (the violating check's). */
  ruleIds: z.array(z.string()),
  decisionCategories: z.array(z.string()),
  status: z.number().int(),
  errorCode: z.string().nullable(),
  upstreamOutcome: z.string().nullable(),
  stream: z.boolean(),
  latencyMs: z.number(),
  /** Revise mode: the deliberation's calls and the rule ids each check found. */
  deliberation: DeliberationRecord.optional(),
  content: GuardAuditContent,
});
export type GuardAuditEntry = z.infer<typeof GuardAuditEntry>;
