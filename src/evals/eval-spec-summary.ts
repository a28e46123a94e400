/**
 * @module evals/eval-spec-summary
 * The system message of the `+spec` arms: the spec's summary-only rendering, or null when no arm asks for it.
 */
import { DeliberateError } from '../errors.js';
import type { Spec } from '../records/spec.js';
import { specInContextText } from '../spec/spec-in-context.js';
import type { EvalTarget } from './run-eval.js';

/** The summary-only spec when a target has the spec in context; throws when a +spec or +ttd target has no spec. */
export function evalSpecSummary(spec: Spec | null, targets: readonly EvalTarget[]): string | null {
  const needsSpec = targets.find((target) => target.specInContext || target.deliberation);
  if (needsSpec && !spec) {
    throw new DeliberateError(`target "${needsSpec.name}" needs the spec, and none was loaded`, {
      hint: 'set `spec:` in deliberate.yaml, or drop +spec / +ttd from --targets',
    });
  }
  if (!spec || !targets.some((target) => target.specInContext)) return null;
  return specInContextText(spec, []);
}
