/**
 * @module evals/benchmarks/builtin-benchmarks
 * The built-in benchmarks by name: what `--benchmarks` accepts besides the user's own.
 */
import type { Benchmark } from '../benchmark.js';
import { bbq } from './bbq.js';
import { gsm8k } from './gsm8k.js';
import { harmbench } from './harmbench.js';
import { mmlu, mmluPro } from './multiple-choice.js';
import { simpleQa } from './simpleqa.js';
import { specBenchmark } from './spec-examples.js';
import { specBench } from './specbench.js';
import { strongreject } from './strongreject.js';
import { transformation } from './transformation.js';
import { xstest } from './xstest.js';

export const builtinBenchmarks: Readonly<Record<string, Benchmark>> = {
  xstest,
  strongreject,
  harmbench,
  spec: specBenchmark,
  transformation,
  gsm8k,
  mmlu,
  'mmlu-pro': mmluPro,
  simpleqa: simpleQa,
  bbq,
  specbench: specBench,
};
