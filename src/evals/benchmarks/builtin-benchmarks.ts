/**
 * @module evals/benchmarks/builtin-benchmarks
 * The built-in benchmarks by name: what `--benchmarks` accepts besides the user's own.
 */
import type { Benchmark } from '../benchmark.js';
import { harmbench } from './harmbench.js';
import { specBenchmark } from './spec-examples.js';
import { strongreject } from './strongreject.js';
import { xstest } from './xstest.js';

export const builtinBenchmarks: Readonly<Record<string, Benchmark>> = {
  xstest,
  strongreject,
  harmbench,
  spec: specBenchmark,
};
