/**
 * @module cli/commands/eval-section
 * The eval section `runEval` takes, from deliberate.yaml and the flags: the benchmarks (built in or `eval.custom`),
 * the spec, the data files (`eval.data`, relative to the config; `--data` wins) and the dataset cache folder.
 */
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import type { Benchmark } from '../../evals/benchmark.js';
import { builtinBenchmarks } from '../../evals/benchmarks/builtin-benchmarks.js';
import { loadCustomBenchmark } from '../../evals/custom-benchmark.js';
import type { EvalSection } from '../../evals/run-eval.js';
import type { LoadedConfig } from '../../io/load-config.js';
import type { EvalSettings } from '../../records/eval-settings.js';
import { loadSpec } from '../../spec/load-spec.js';
import type { EvalFlags } from './eval-flags.js';

/** Benchmarks run when neither --benchmarks nor eval.benchmarks names any: one harmful axis, one over-refusal axis. */
export const defaultBenchmarks = ['xstest', 'strongreject'];

/** Loads the custom benchmarks and the spec; an unknown benchmark name lists the known ones. */
export async function evalSectionOf(
  loaded: LoadedConfig,
  settings: EvalSettings,
  flags: EvalFlags,
  outDir: string,
): Promise<EvalSection> {
  const custom = new Map<string, Benchmark>();
  for (const file of settings.custom) {
    const benchmark = await loadCustomBenchmark(loaded.resolve(file));
    custom.set(benchmark.name, benchmark);
  }
  const names = flags.benchmarks ?? settings.benchmarks ?? defaultBenchmarks;
  const benchmarks = names.map((name) => {
    const benchmark = custom.get(name) ?? builtinBenchmarks[name];
    if (!benchmark) {
      throw new ConfigError(`unknown benchmark "${name}"`, {
        hint: `built in: ${Object.keys(builtinBenchmarks).join(', ')}${custom.size > 0 ? `; yours: ${[...custom.keys()].join(', ')}` : ''} (docs/evals.md: your own)`,
      });
    }
    return benchmark;
  });
  return {
    settings,
    benchmarks,
    spec: await loadSpec(loaded.resolve(loaded.config.spec)),
    dataPaths: {
      ...Object.fromEntries(Object.entries(settings.data).map(([name, file]) => [name, loaded.resolve(file)])),
      ...flags.dataPaths,
    },
    cacheDir: settings.cacheDir
      ? loaded.resolve(settings.cacheDir)
      : path.join(path.dirname(outDir), '.cache', 'datasets'),
  };
}
