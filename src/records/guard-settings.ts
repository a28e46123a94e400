import { z } from 'zod';

/** How the guard works (docs/guard.md): spec in context, policy checks around the upstream, both, or test-time
 * deliberation (draft, check against the spec, revise). */
export const GuardModeName = z.enum(['deliberate', 'moderate', 'both', 'revise']);
export type GuardModeName = z.infer<typeof GuardModeName>;

/** What the guard does with a violation in one category: refuse, answer safely, or only log it. */
export const GuardCategoryAction = z.enum(['block', 'safe-complete', 'log-only']);
export type GuardCategoryAction = z.infer<typeof GuardCategoryAction>;

/** The audit log (JSONL, append-only, rotated by size). */
export const GuardAuditSettings = z
  .object({
    /** The log file; relative to the config file. */
    file: z.string().min(1).default('./guard/audit.jsonl'),
    /** What of the conversation and answer is written: the text, its sha256, or nothing. */
    content: z.enum(['full', 'hashed', 'none']).default('hashed'),
    /** Rotate when the file would grow past this many bytes (audit.jsonl → audit.jsonl.1 → …). */
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    /** Rotated files kept (the oldest beyond this is deleted). */
    keep: z.number().int().nonnegative().default(5),
  })
  .strict();
export type GuardAuditSettings = z.infer<typeof GuardAuditSettings>;

/** The optional `guard:` section of deliberate.yaml. Command-line options override it. */
export const GuardSettings = z
  .object({
    /** The role the guard sits in front of (`--upstream`). */
    upstream: z.string().optional(),
    mode: GuardModeName.default('deliberate'),
    /** Revise mode: check rounds at most (each may be followed by a revision), as an eval arm's `+ttd@passes=<n>`. */
    passes: z.number().int().positive().default(1),
    /** Role that picks the categories for spec(category); default `classifier` when configured, else summary-only. */
    classifier: z.string().optional(),
    /** Role that runs the policy checks in moderate mode; default `judge`, else `classifier`. */
    moderator: z.string().optional(),
    /** The model id clients see in `GET /v1/models` and in answers; default `guard:<upstream>`. */
    modelName: z.string().min(1).optional(),
    /** Moderate mode, streaming: check the whole answer before sending it (`buffer`), or stream it and end with a refusal chunk when the check fails (`stream`). */
    streaming: z.enum(['buffer', 'stream']).default('buffer'),
    /** A violation is answered with a refusal or safe completion in the spec's style (`respond`), or an HTTP 403 error (`http-error`). */
    onViolation: z.enum(['respond', 'http-error']).default('respond'),
    /** A policy check or the classifier that cannot run: refuse with HTTP 503 `moderation_unavailable` (`fail-closed`), or pass the request (`fail-open`, logged and counted). */
    onModerationFailure: z.enum(['fail-closed', 'fail-open']).default('fail-closed'),
    /** What to do with a violation, per category id; categories not listed use `defaultAction`. */
    categoryActions: z.record(z.string(), GuardCategoryAction).default({}),
    /** Unset: what the cited rules call for (refuse or escalate → block, safe-complete → safe-complete). */
    defaultAction: GuardCategoryAction.optional(),
    /** The refusal sent for `block`; default: the first good example of the spec's refusal style guide. */
    refusalText: z.string().min(1).optional(),
    audit: GuardAuditSettings.prefault({}),
    /** Request body cap in bytes. */
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024),
  })
  .strict();
export type GuardSettings = z.infer<typeof GuardSettings>;
