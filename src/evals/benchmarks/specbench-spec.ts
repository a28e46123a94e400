/**
 * @module evals/benchmarks/specbench-spec
 * The spec the `specbench` benchmark judges against. The loaded spec (`spec:` in deliberate.yaml) when it defines a
 * category for every scenario read (the output of `deliberate spec import specbench`, perhaps edited: the `+spec` and
 * `+ttd` arms then see the very rules the judge checks); otherwise the scenarios imported on the fly, as
 * `spec import specbench` would write them, into the dataset cache. A loaded spec that has some of the scenarios'
 * categories but not all is an error: which rules would be judged is then unclear.
 */
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import { sha256 } from '../../io/stable-hash.js';
import type { Spec } from '../../records/spec.js';
import { loadSpec } from '../../spec/load-spec.js';
import { importSpecBenchSpec } from '../../spec/specbench/import-specbench-spec.js';

/** `loaded`: the user's spec covers every scenario; `imported`: the scenarios are imported from the data folder. */
export type SpecBenchSpecSource = 'loaded' | 'imported';

/** Which spec judges these scenarios (see the module comment); throws when the loaded spec covers only some. */
export function specBenchSpecSource(loaded: Spec | null, scenarioIds: readonly string[]): SpecBenchSpecSource {
  const defined = new Set(
    (loaded?.categories ?? []).filter((category) => category.rules.length > 0).map((category) => category.id),
  );
  const missing = scenarioIds.filter((id) => !defined.has(id));
  if (missing.length === 0) return 'loaded';
  if (missing.length === scenarioIds.length) return 'imported';
  throw new ConfigError(
    `the specbench benchmark: the loaded spec ${loaded!.id} has categories for some SpecBench scenarios but not for ${missing.join(', ')}`,
    {
      location: 'spec',
      hint: 'import every scenario you evaluate (deliberate spec import specbench <data folder> --out <spec dir> --force), or point --data specbench=<folder> at the scenarios the spec covers',
    },
  );
}

/** The spec to judge with: the loaded one, or the scenarios at `folder` imported into `cacheDir` and loaded. */
export async function specBenchGradingSpec(options: {
  loaded: Spec | null;
  scenarioIds: readonly string[];
  folder: string;
  cacheDir: string;
}): Promise<Spec> {
  if (specBenchSpecSource(options.loaded, options.scenarioIds) === 'loaded') return options.loaded!;
  const out = path.join(options.cacheDir, `specbench-spec-${sha256(path.resolve(options.folder)).slice(0, 12)}`);
  await importSpecBenchSpec({ source: options.folder, out, force: true });
  return loadSpec(out, { measureTokens: false });
}
