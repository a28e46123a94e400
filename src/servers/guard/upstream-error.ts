/**
 * @module servers/guard/upstream-error
 * An upstream call that failed, as the HTTP error the client gets: the status class says whose fault it was
 * (429 rate limit, 504 timeout, 400 a request the upstream rejected, 502 anything else from the upstream). The guard
 * never turns a failure into an answer in the model's name.
 */
import type { GenerateFailure } from '../../models/outcome.js';

export interface UpstreamErrorReply {
  status: number;
  code: string;
  message: string;
}

/** The HTTP error for a failed upstream call of `role`. */
export function upstreamErrorReply(failure: GenerateFailure, role: string): UpstreamErrorReply {
  const message = `the upstream model (role ${role}) failed: ${failure.message}`;
  if (failure.kind === 'cancelled') return { status: 503, code: 'upstream_cancelled', message };
  if (failure.transport === 'timeout') return { status: 504, code: 'upstream_timeout', message };
  if (failure.status === 429) return { status: 429, code: 'upstream_rate_limited', message };
  if (failure.status === 400 || failure.status === 422)
    return { status: 400, code: 'upstream_rejected_request', message };
  return { status: 502, code: 'upstream_error', message };
}
