/**
 * @module evals/eval-spec-summary
 * The system message of the `+spec` arms: the spec's summary-only rendering, or null when no arm asks for it.
 */
import { DeliberateError } from '../errors.js';
import type { Spec } from '../records/spec.js';
import { specInContextText } from '../spec/spec-in-context.js';
import type { EvalTarget } from './run-eval.js';

/** The summary-only spec when a target has the spec in context; throws when such a target has no spec. */
export function evalSpecSummary(spec: Spec | null, targets: readonly EvalTarget[]): string | null {
  if (!targets.some((target) => target.specInContext)) return null;
  if (!spec) {
    throw new DeliberateError('a +spec target needs the spec, and none was loaded', {
      hint: 'set `spec:` in deliberate.yaml, or drop +spec from --targets',
    });
  }
  return specInContextText(spec, []);
}
