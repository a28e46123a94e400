/**
 * @module evals/benchmarks/require-judge
 * The spec-aware judge and the spec, or a ConfigError saying which is missing and how to add it.
 */
import { ConfigError } from '../../errors.js';
import type { Spec } from '../../records/spec.js';
import type { BenchmarkContext, RoleClient } from '../benchmark.js';

/** The judge role and the spec a judge-graded benchmark needs. */
export function requireJudge(context: BenchmarkContext, benchmark: string): { judge: RoleClient; spec: Spec } {
  if (!context.judge) {
    throw new ConfigError(
      `the ${benchmark} benchmark is graded by the spec-aware judge, and no judge role is configured`,
      {
        location: 'eval.judge',
        hint: 'add a `judge` role under models in deliberate.yaml (or set eval.judge to the role to use)',
      },
    );
  }
  if (!context.spec) {
    throw new ConfigError(`the ${benchmark} benchmark needs the spec, and none was loaded`, {
      location: 'spec',
      hint: 'set `spec:` in deliberate.yaml to your spec file or folder',
    });
  }
  return { judge: context.judge, spec: context.spec };
}
