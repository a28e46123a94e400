/**
 * `npm run bench [-- <name>…]`: runs every bench/*.bench.ts (or those whose name contains a given word), then writes
 * bench/results.json (every figure, with the machine) and the table in BENCHMARKS.md. A run of some benches keeps the
 * other benches' figures from the last results.json. Speed is measured here, never asserted in tests.
 */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type Bench,
  type BenchFigure,
  createBench,
  type MachineInfo,
  machineInfo,
  renderBenchTable,
  replaceBenchTable,
} from './bench-report.js';

interface Results {
  machine: MachineInfo;
  /** Seconds each bench took. */
  seconds: Record<string, number>;
  figures: BenchFigure[];
}

const folder = import.meta.dirname;
const resultsFile = path.join(folder, 'results.json');
const markdownFile = path.join(folder, '..', 'BENCHMARKS.md');

function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

function previousResults(): Results | undefined {
  if (!existsSync(resultsFile)) return undefined;
  try {
    return JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
  } catch {
    return undefined;
  }
}

const wanted = process.argv.slice(2);
const names = readdirSync(folder)
  .filter((name) => name.endsWith('.bench.ts'))
  .map((name) => name.slice(0, -'.bench.ts'.length))
  .filter((name) => wanted.length === 0 || wanted.some((word) => name.includes(word)))
  .sort();
if (names.length === 0) {
  console.error(`bench: no bench/*.bench.ts matches ${wanted.join(', ')}`);
  process.exit(1);
}

const machine = machineInfo();
console.log(
  `bench: ${names.join(', ')} on ${machine.cpus} × ${machine.cpuModel}, load ${machine.loadAtStart.join(' ')}`,
);
const figures: BenchFigure[] = [];
const seconds: Record<string, number> = {};
let failed = false;
for (const name of names) {
  console.log(`\n## ${name}`);
  const started = performance.now();
  const bench: Bench = createBench(name, figures, (line) => console.log(line));
  try {
    const module = (await import(pathToFileURL(path.join(folder, `${name}.bench.ts`)).href)) as {
      run?: (bench: Bench) => Promise<void>;
    };
    await module.run?.(bench);
  } catch (error) {
    failed = true;
    console.error(`bench ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  seconds[name] = Number(((performance.now() - started) / 1000).toFixed(1));
  console.log(`(${name}: ${seconds[name]} s)`);
}
machine.loadAtEnd = os.loadavg().map((value) => Number(value.toFixed(2)));

const previous = previousResults();
const kept = (previous?.figures ?? []).filter((figure) => !names.includes(figure.bench));
const results: Results = {
  machine,
  seconds: { ...(wanted.length > 0 ? previous?.seconds : {}), ...seconds },
  figures: [...kept, ...figures].sort((a, b) => a.bench.localeCompare(b.bench)),
};
writeAtomic(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
const markdown = existsSync(markdownFile) ? readFileSync(markdownFile, 'utf8') : '# Benchmarks\n';
writeAtomic(markdownFile, replaceBenchTable(markdown, renderBenchTable(results.figures, machine)));
const notMet = results.figures.filter((figure) => figure.met === false);
console.log(
  `\nbench: wrote ${path.relative(process.cwd(), resultsFile)} and BENCHMARKS.md (${results.figures.length} figures, ${notMet.length} goals not met: ${notMet.map((figure) => figure.id).join(', ') || 'none'})`,
);
process.exitCode = failed ? 1 : 0;
