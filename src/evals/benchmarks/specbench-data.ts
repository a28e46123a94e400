/**
 * @module evals/benchmarks/specbench-data
 * Where the `specbench` benchmark's scenario folders come from: the user's folder (`--data specbench=<folder>`: one
 * scenario folder, or a folder of them), or the public dataset (github.com/zzzhr97/SpecBench `data/`, pinned to a
 * commit), each of its 15 files downloaded once into `<cache>/specbench-<hash>/<Scenario>/` and read from there after.
 */
import path from 'node:path';
import { sha256 } from '../../io/stable-hash.js';
import type { BenchmarkContext } from '../benchmark.js';
import { resolveDatasetFile } from '../dataset-file.js';

/** The public SpecBench data, at the commit deliberate was checked against. */
export const specBenchBaseUrl =
  'https://raw.githubusercontent.com/zzzhr97/SpecBench/3794a18a63c92984b6eb1ab16bb6fe4ff77bcafb/data';
/** The five scenario folders of the public dataset. */
export const specBenchScenarioFolders = ['Biochem', 'Child', 'Code', 'Health', 'Travel'] as const;
const scenarioFiles = ['scenario.json', 'specifications.json', 'prompts.json'] as const;

/** The folder the scenarios are read from, and the source recorded in the eval log. */
export async function specBenchDataFolder(
  context: Pick<BenchmarkContext, 'dataPath' | 'cacheDir' | 'fetch' | 'signal'>,
): Promise<{ folder: string; source: string }> {
  if (context.dataPath) return { folder: context.dataPath, source: context.dataPath };
  const folder = path.join(context.cacheDir, `specbench-${sha256(specBenchBaseUrl).slice(0, 12)}`);
  for (const scenario of specBenchScenarioFolders) {
    for (const file of scenarioFiles) {
      await resolveDatasetFile({
        name: 'specbench',
        url: `${specBenchBaseUrl}/${scenario}/${file}`,
        dataPath: undefined,
        cacheDir: context.cacheDir,
        cacheFile: path.join(folder, scenario, file),
        fetch: context.fetch,
        signal: context.signal,
      });
    }
  }
  return { folder, source: `${specBenchBaseUrl}/{${specBenchScenarioFolders.join(',')}}` };
}
