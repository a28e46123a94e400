import { z } from 'zod';

/**
 * `failures:` in deliberate.yaml: when a run whose calls failed still counts as done. The preflight, the streak
 * breaker and the per-role checks live in models/preflight-roles.ts and models/role-call-ledger.ts.
 */
export const FailurePolicySettings = z
  .object({
    /**
     * The fraction of a required role's calls that may fail after retries (transport failures) with the command
     * still exiting 0. Default 0: any such failure makes the command exit non-zero (after writing its outputs).
     */
    allowFailures: z.number().min(0).max(1).default(0),
    /** Transport failures in a row on one role, with nothing succeeding, that stop the command at once. */
    streakLimit: z.number().int().min(1).default(20),
  })
  .strict();
export type FailurePolicySettings = z.infer<typeof FailurePolicySettings>;
