/**
 * @module servers/guard/guard-metrics
 * The guard's counters, on the server's own registry: decisions by mode, policy checks that could not run (and the
 * policy applied), of those the unscored ones by reason, upstream failures by outcome, classifier failures, and
 * upstream latency.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export interface GuardMetrics {
  decisions: Counter<'mode' | 'decision'>;
  moderationFailures: Counter<'stage' | 'policy'>;
  moderationUnscored: Counter<'stage' | 'reason'>;
  upstreamFailures: Counter<'outcome'>;
  classifierFailures: Counter<string>;
  upstreamSeconds: Histogram<'stream'>;
}

export function createGuardMetrics(registry: Registry): GuardMetrics {
  const registers = [registry];
  return {
    decisions: new Counter({
      name: 'deliberate_guard_decisions_total',
      help: 'Requests by mode and guard decision (allow, block, safe-complete, log-only, would-*, moderation-unavailable, fail-open, upstream-error, bad-request)',
      labelNames: ['mode', 'decision'] as const,
      registers,
    }),
    moderationFailures: new Counter({
      name: 'deliberate_guard_moderation_failures_total',
      help: 'Policy checks that could not run, by stage and the policy applied (fail-closed, fail-open)',
      labelNames: ['stage', 'policy'] as const,
      registers,
    }),
    moderationUnscored: new Counter({
      name: 'deliberate_guard_moderation_unscored_total',
      help: 'Policy checks whose checker answered without a usable verdict (also counted as failures), by stage and unscored reason',
      labelNames: ['stage', 'reason'] as const,
      registers,
    }),
    upstreamFailures: new Counter({
      name: 'deliberate_guard_upstream_failures_total',
      help: 'Upstream calls that failed, by outcome kind',
      labelNames: ['outcome'] as const,
      registers,
    }),
    classifierFailures: new Counter({
      name: 'deliberate_guard_classifier_failures_total',
      help: 'Classifier calls that failed (the request then got the summary-only spec)',
      registers,
    }),
    upstreamSeconds: new Histogram({
      name: 'deliberate_guard_upstream_seconds',
      help: 'Upstream call duration (to the last token)',
      labelNames: ['stream'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
  };
}
