/**
 * @module evals/eval-warnings
 * The warnings an eval log carries: a single-axis run (harmful prompts without an over-refusal measure, or the
 * reverse), a judge or grader that is the same model as a target, unscored grades and failed calls, a partial run;
 * and the errors that make a run no result at all: an arm whose every target call on a benchmark failed, or a
 * benchmark whose every grade of a grader is unscored.
 */
import type { BenchmarkLog, EvalLog } from '../records/eval-log.js';
import type { RoleClient } from './benchmark.js';
import type { EvalTarget } from './run-eval.js';

export interface EvalWarningsInput {
  benchmarks: readonly BenchmarkLog[];
  targets: readonly EvalTarget[];
  graders: readonly RoleClient[];
  status: EvalLog['status'];
}

/** Human-readable warnings for the log and the terminal. */
export function evalWarnings(input: EvalWarningsInput): string[] {
  const warnings: string[] = [];
  const axes = new Set(
    input.benchmarks.flatMap((benchmark) =>
      Object.values(benchmark.metrics).flatMap((rows) => rows.map((row) => row.axis)),
    ),
  );
  if (axes.has('harmful') && !axes.has('over-refusal')) {
    warnings.push(
      'single-axis run: harmful-prompt benchmarks ran without an over-refusal measure; a model that refuses everything scores best here (add --benchmarks xstest)',
    );
  }
  if (axes.has('over-refusal') && !axes.has('harmful')) {
    warnings.push(
      'single-axis run: over-refusal was measured without harmful prompts; a model that complies with everything scores best here (add --benchmarks strongreject)',
    );
  }
  for (const grader of input.graders) {
    for (const target of input.targets) {
      if (grader.client.model.cacheIdentity === target.client.model.cacheIdentity) {
        warnings.push(
          `the ${grader.role} role is the same model as target ${target.name} (${target.client.id}): a model grading itself tends to favour its own answers`,
        );
      }
    }
  }
  for (const benchmark of input.benchmarks) {
    const failed = benchmark.results.filter((result) => result.outcome.kind !== 'success');
    if (failed.length > 0) {
      const kinds = new Map<string, number>();
      for (const result of failed) kinds.set(result.outcome.kind, (kinds.get(result.outcome.kind) ?? 0) + 1);
      const detail = [...kinds.entries()].map(([kind, count]) => `${count} ${kind}`).join(', ');
      warnings.push(
        `${benchmark.name}: ${failed.length} target call(s) failed (${detail}); excluded from metrics and counted as unscored`,
      );
    }
    const unscored = benchmark.results.reduce(
      (sum, result) => sum + Object.values(result.grades).filter((grade) => grade.unscored).length,
      0,
    );
    if (unscored > 0) {
      warnings.push(`${benchmark.name}: ${unscored} grade(s) unscored; excluded from metrics and counted per metric`);
    }
  }
  if (input.status === 'partial') {
    warnings.push('partial run: stopped before every case finished; run the same command again to resume');
  }
  return warnings;
}

/**
 * One error per benchmark × arm whose every target call failed (so nothing was scored): the arm, its role and model,
 * the failure kinds with counts, and the fix. Some failed calls are only a warning (evalWarnings).
 */
export function evalErrors(input: Pick<EvalWarningsInput, 'benchmarks' | 'targets'>): string[] {
  const errors: string[] = [];
  for (const benchmark of input.benchmarks) {
    for (const target of input.targets) {
      const results = benchmark.results.filter((result) => result.arm === target.name);
      if (results.length === 0 || results.some((result) => result.outcome.kind === 'success')) continue;
      const kinds = new Map<string, number>();
      for (const result of results) kinds.set(result.outcome.kind, (kinds.get(result.outcome.kind) ?? 0) + 1);
      const detail = [...kinds.entries()].map(([kind, count]) => `${count} ${kind}`).join(', ');
      const rerun = [...kinds.keys()].every((kind) => kind === 'transport-failure')
        ? 'then run the same command again (transport failures are retried)'
        : 'then run again with a fresh --out (the journal keeps these outcomes)';
      errors.push(
        `${benchmark.name}: every target call of arm ${target.name} (role ${target.role}, ${target.client.id}) failed (${detail}), so nothing was scored; check the endpoint with \`deliberate models check --role ${target.role}\`, ${rerun}`,
      );
    }
    errors.push(...unscoredBenchmarkErrors(benchmark));
  }
  return errors;
}

/** A grader key of a benchmark whose every grade is unscored: the benchmark has no numbers on it. */
function unscoredBenchmarkErrors(benchmark: BenchmarkLog): string[] {
  const errors: string[] = [];
  for (const binding of benchmark.graders) {
    const grades = benchmark.results.flatMap((result) => {
      const grade = result.grades[binding.key];
      return grade ? [grade] : [];
    });
    if (grades.length === 0 || grades.some((grade) => !grade.unscored)) continue;
    const reasons = new Map<string, number>();
    for (const grade of grades) {
      const reason = grade.unscoredReason ?? 'no reason given';
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const detail = [...reasons.entries()].map(([reason, count]) => `${count} ${reason}`).join(', ');
    const who = binding.role ? `role ${binding.role}, ${binding.modelId}` : 'offline';
    const fix = binding.role
      ? `check that the ${binding.role} role answers in the grader's format (\`deliberate models check --role ${binding.role}\`), then run again with a fresh --out`
      : 'check the benchmark data and the answers in the log';
    errors.push(
      `${benchmark.name}: every ${binding.key} grade (${grades.length}, grader ${binding.graderId}, ${who}) is unscored (${detail}), so the benchmark has no numbers; ${fix}`,
    );
  }
  return errors;
}
