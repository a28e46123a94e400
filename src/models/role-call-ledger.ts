/**
 * @module models/role-call-ledger
 * Counts every call one role makes (outcome kinds, the first provider message) and breaks a streak: after
 * `streakLimit` transport failures in a row with nothing succeeding in between, `onStreak` is called once so the
 * caller stops sending instead of retrying every remaining unit to exhaustion. The pipeline and `eval` wrap each
 * role's client in one; their failure policy (stage all failed, allowed fraction) reads the ledger.
 */
import { RoleUnavailableError } from '../errors.js';
import type { ModelClient } from './model-client.js';
import type { FailureKind, GenerateOutcome } from './outcome.js';
import { redactSecrets } from './redact-secrets.js';

export interface RoleCallLedger {
  role: string;
  modelId: string;
  /** The base URL (or GGUF path) the role's calls went to. */
  url: string;
  /** Finished calls (cancelled ones are not counted). */
  calls: number;
  successes: number;
  /** Failed calls per outcome kind. */
  failures: Partial<Record<FailureKind, number>>;
  /** The first failure, with the provider's message (API keys redacted). */
  firstFailure: { kind: FailureKind; message: string; status?: number } | null;
  /** Transport failures since the last call that reached the model. */
  streak: number;
}

export interface WatchRoleCallsOptions {
  role: string;
  url: string;
  /** Transport failures in a row that stop the role (default 20). */
  streakLimit?: number;
  /** Called once when the streak reaches the limit, with the error to stop the command with. */
  onStreak?: (error: RoleUnavailableError) => void;
}

export interface WatchedRoleClient {
  client: ModelClient;
  ledger(): RoleCallLedger;
}

/** Wraps a role's client: every call passes through unchanged and is counted. */
export function watchRoleCalls(client: ModelClient, options: WatchRoleCallsOptions): WatchedRoleClient {
  const ledger: RoleCallLedger = {
    role: options.role,
    modelId: client.id,
    url: options.url,
    calls: 0,
    successes: 0,
    failures: {},
    firstFailure: null,
    streak: 0,
  };
  const streakLimit = options.streakLimit ?? 20;
  let tripped = false;
  const record = <T>(outcome: GenerateOutcome<T>): GenerateOutcome<T> => {
    if (!outcome.ok && outcome.kind === 'cancelled') return outcome;
    ledger.calls += 1;
    if (outcome.ok) {
      ledger.successes += 1;
      ledger.streak = 0;
      return outcome;
    }
    ledger.failures[outcome.kind] = (ledger.failures[outcome.kind] ?? 0) + 1;
    ledger.firstFailure ??= {
      kind: outcome.kind,
      message: redactSecrets(outcome.message),
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
    };
    // Any answer from the model (even a refusal or a cut-off one) shows the endpoint works.
    ledger.streak = outcome.kind === 'transport-failure' ? ledger.streak + 1 : 0;
    if (!tripped && ledger.streak >= streakLimit) {
      tripped = true;
      options.onStreak?.(roleFailureError(ledger, { reason: 'streak', streakLimit }));
    }
    return outcome;
  };
  const watched: ModelClient = {
    ...client,
    id: client.id,
    model: client.model,
    generate: async (request) => record(await client.generate(request)),
    generateObject: async (request, schema, name) => record(await client.generateObject(request, schema, name)),
  };
  return { client: watched, ledger: () => structuredClone(ledger) };
}

function kindsText(failures: RoleCallLedger['failures']): string {
  return (
    Object.entries(failures)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ') || 'none'
  );
}

/** "teacher (openai-compatible:m at http://…): 8 of 8 calls failed (transport-failure 8); first: HTTP 401 …". */
export function describeRoleFailures(ledger: RoleCallLedger): string {
  const failed = ledger.calls - ledger.successes;
  const first = ledger.firstFailure ? `; first: ${ledger.firstFailure.message}` : '';
  return `${ledger.role} (${ledger.modelId} at ${ledger.url}): ${failed} of ${ledger.calls} calls failed (${kindsText(ledger.failures)})${first}`;
}

export type RoleFailureReason =
  | { reason: 'streak'; streakLimit: number }
  | { reason: 'all-failed' }
  | { reason: 'over-allowance'; allowed: number };

/** The error that stops (or fails) a command because of a role's calls: role, model, URL, kinds, first message, fix. */
export function roleFailureError(ledger: RoleCallLedger, why: RoleFailureReason): RoleUnavailableError {
  const lead =
    why.reason === 'streak'
      ? `stopped after ${why.streakLimit} transport failures in a row from role "${ledger.role}" with nothing succeeding`
      : why.reason === 'all-failed'
        ? `every call of role "${ledger.role}" failed`
        : `${ledger.failures['transport-failure'] ?? 0} of ${ledger.calls} calls of role "${ledger.role}" failed after retries, more than the allowed ${Math.round(why.allowed * 1000) / 10}%`;
  const allowance =
    why.reason === 'over-allowance' ? '; or accept partial failures with --allow-failures <fraction>' : '';
  return new RoleUnavailableError(ledger.role, `${lead}: ${describeRoleFailures(ledger)}`, {
    location: `models.${ledger.role}`,
    hint: `check the endpoint with \`deliberate models check --role ${ledger.role}\`, fix it, and run again (finished work is kept)${allowance}`,
  });
}

/**
 * The failure policy of one role after a stage. Transport failures (calls that failed after retries) are measured
 * against the stage's planned calls (`plannedCalls`, stored ones included; default: this run's calls): above
 * `allowFailures` → an error. Every call of this run failing is an error too, unless the allowance covers it (a resumed
 * run retrying only the failed units). Other failure kinds (refusals, no answer, schema failures) are data, counted
 * and reported, not failures of the endpoint, unless every call ended that way.
 */
export function checkRoleFailures(
  ledger: RoleCallLedger,
  allowFailures: number,
  plannedCalls?: number,
): RoleUnavailableError | null {
  if (ledger.calls === 0) return null;
  const transport = ledger.failures['transport-failure'] ?? 0;
  const overAllowance = transport / Math.max(plannedCalls ?? 0, ledger.calls) > allowFailures;
  if (ledger.successes === 0 && (overAllowance || transport === 0)) {
    return roleFailureError(ledger, { reason: 'all-failed' });
  }
  return overAllowance ? roleFailureError(ledger, { reason: 'over-allowance', allowed: allowFailures }) : null;
}
