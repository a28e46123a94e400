/**
 * runEval arguments for tests, built in one place: tests write one flat object (section, clients and run options
 * together, easy to spread and override) and `evalArgs` splits it into runEval's three arguments.
 * `testEvalOptions` fills it for one target arm, data and cache in a test folder, no model roles unless given.
 */
import path from 'node:path';
import type { Benchmark } from '../../src/evals/benchmark.js';
import type { EvalClients, EvalRunOptions, EvalSection, runEval } from '../../src/evals/run-eval.js';
import { createRefusalGrader } from '../../src/grading/refusal-grader.js';
import type { ChatModel } from '../../src/models/chat-model.js';
import { createModelClient } from '../../src/models/generate.js';
import { EvalSettings } from '../../src/records/eval-settings.js';
import type { Spec } from '../../src/records/spec.js';

/** runEval's three arguments in one object. */
export type EvalOptions = EvalSection & EvalClients & EvalRunOptions;

/** Splits the flat options into runEval's arguments: `runEval(...evalArgs(options))`. */
export function evalArgs(options: EvalOptions): Parameters<typeof runEval> {
  const { settings, benchmarks, spec, dataPaths, cacheDir, targets, grader, judge, offlineRefusalGrader, ...run } =
    options;
  return [{ settings, benchmarks, spec, dataPaths, cacheDir }, { targets, grader, judge, offlineRefusalGrader }, run];
}

export interface TestEvalOptions {
  /** Holds the out/ and cache/ folders. */
  folder: string;
  benchmarks: Benchmark[];
  /** The one target arm's model (not in context of the spec). */
  target: ChatModel;
  /** The arm's name and role (default `base`). */
  targetName?: string;
  /** Default null. */
  spec?: Spec | null;
  /** The judge role's model (default: no judge role). */
  judge?: ChatModel | null;
}

/** Default settings, the offline refusal grader, no grader role, no data files. */
export function testEvalOptions(options: TestEvalOptions): EvalOptions {
  const name = options.targetName ?? 'base';
  return {
    benchmarks: options.benchmarks,
    targets: [{ name, role: name, client: createModelClient(options.target), specInContext: false }],
    spec: options.spec ?? null,
    grader: null,
    judge: options.judge ? { role: 'judge', client: createModelClient(options.judge) } : null,
    offlineRefusalGrader: createRefusalGrader(),
    settings: EvalSettings.parse({}),
    dataPaths: {},
    outDir: path.join(options.folder, 'out'),
    cacheDir: path.join(options.folder, 'cache'),
    config: {},
    deliberateVersion: 'test',
  };
}
