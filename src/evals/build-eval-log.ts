/**
 * @module evals/build-eval-log
 * The eval log of a run from its benchmarks' entries: status (`partial` when the run stopped, `failed` when an arm
 * has no numbers), the arms, spec and judge as run, warnings and errors, and the usage of targets and graders.
 */
import { DELIBERATION_VERSION } from '../grading/deliberation-prompts.js';
import type { BenchmarkLog, EvalArm, EvalLog } from '../records/eval-log.js';
import { addUsage, emptyUsage } from '../records/usage.js';
import type { RoleClient } from './benchmark.js';
import { evalErrors, evalWarnings } from './eval-warnings.js';
import type { EvalClients, EvalRunOptions, EvalSection, EvalTarget } from './run-eval.js';

export interface BuildEvalLogInput {
  section: EvalSection;
  clients: EvalClients;
  run: EvalRunOptions;
  benchmarks: BenchmarkLog[];
  /** The benchmarks' own warnings about their datasets. */
  datasetWarnings: string[];
  /** true when the run stopped before every case finished. */
  stopped: boolean;
  createdAt: string;
  finishedAt: string;
}

/** The log as written to `eval-log.json`. */
export function buildEvalLog(input: BuildEvalLogInput): EvalLog {
  const { section, clients, benchmarks } = input;
  const results = benchmarks.flatMap((benchmark) => benchmark.results);
  // An arm whose every target call failed has no numbers at all: the run is not a result, whatever else finished.
  const errors = evalErrors({ benchmarks, targets: clients.targets });
  const status: EvalLog['status'] = input.stopped ? 'partial' : errors.length > 0 ? 'failed' : 'complete';
  const { spec } = section;
  return {
    schemaVersion: 1,
    kind: 'deliberate-eval-log',
    status,
    createdAt: input.createdAt,
    finishedAt: input.finishedAt,
    deliberateVersion: input.run.deliberateVersion,
    config: input.run.config,
    spec: spec ? { id: spec.id, version: spec.version, hash: spec.hash, title: spec.title } : null,
    judge: judgeOf(clients.judge, benchmarks),
    arms: clients.targets.map(armOf),
    benchmarks,
    warnings: [
      ...input.datasetWarnings,
      ...evalWarnings({
        benchmarks,
        targets: clients.targets,
        graders: [clients.grader, clients.judge].filter((entry): entry is RoleClient => entry !== null),
        status,
      }),
    ],
    ...(errors.length > 0 ? { errors } : {}),
    usage: {
      target: results.reduce((sum, result) => addUsage(sum, result.usage), emptyUsage),
      grader: results.reduce((sum, result) => addUsage(sum, result.graderUsage), emptyUsage),
    },
    bootstrap: section.settings.bootstrap,
  };
}

/** The judge only when a benchmark graded with it: a configured judge the run never asked is not part of it. */
function judgeOf(judge: RoleClient | null, benchmarks: readonly BenchmarkLog[]): EvalLog['judge'] {
  if (!judge) return null;
  const used = benchmarks.some((benchmark) => benchmark.graders.some((grader) => grader.role === judge.role));
  return used ? { role: judge.role, modelId: judge.client.id } : null;
}

/** A target as the log names it. */
export function armOf(target: EvalTarget): EvalArm {
  return {
    name: target.name,
    role: target.role,
    modelId: target.client.id,
    specInContext: target.specInContext,
    ...(target.requestOptions && Object.keys(target.requestOptions).length > 0
      ? { requestOptions: target.requestOptions }
      : {}),
    ...(target.label ? { label: target.label } : {}),
    ...(target.deliberation
      ? { deliberation: { passes: target.deliberation.passes, version: DELIBERATION_VERSION } }
      : {}),
  };
}
