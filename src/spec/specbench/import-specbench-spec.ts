/**
 * @module spec/specbench/import-specbench-spec
 * `deliberate spec import specbench <folder> --out <spec dir>`: SpecBench scenario folders → a checked deliberate
 * spec folder. The files are written to a temporary folder beside the target, checked with `spec check`'s own
 * checker, and only then renamed into place: a failure leaves nothing half-written, and an existing target is only
 * replaced with `force`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataError, SpecError } from '../../errors.js';
import type { SpecDiagnostic } from '../../records/spec.js';
import { checkSpec } from '../load-spec.js';
import { formatSpecDiagnostic } from '../spec-diagnostics.js';
import {
  findSpecBenchScenarioFolders,
  readSpecBenchScenario,
  type SpecBenchScenario,
} from './read-specbench-scenario.js';
import { type SpecFile, specBenchSpecFiles } from './specbench-spec-files.js';

export interface ImportSpecBenchOptions {
  /** A scenario folder, or a folder of scenario folders (each becomes a category). */
  source: string;
  /** The spec folder to write. */
  out: string;
  /** Replace `out` when it exists and is not empty. */
  force?: boolean;
  version?: string;
}

export interface ImportSpecBenchResult {
  out: string;
  scenarios: Array<{ id: string; name: string; safetyRules: number; behaviouralRules: number }>;
  /** `spec check`'s warnings on the written spec (errors never get this far). */
  warnings: SpecDiagnostic[];
}

/** Reads the scenarios at `source` (sorted by folder name); two that give one category id are an error. */
export function readSpecBenchScenarios(source: string): SpecBenchScenario[] {
  const scenarios = findSpecBenchScenarioFolders(source).map(readSpecBenchScenario);
  const seen = new Map<string, string>();
  for (const entry of scenarios) {
    const earlier = seen.get(entry.id);
    if (earlier !== undefined) {
      throw new DataError(`scenario folders ${earlier} and ${entry.folder} both become category "${entry.id}"`, {
        hint: 'import them one at a time, or rename one folder',
      });
    }
    seen.set(entry.id, entry.folder);
  }
  return scenarios;
}

function writeStaged(folder: string, files: readonly SpecFile[]): void {
  for (const file of files) {
    const target = path.join(folder, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.text);
  }
}

function isEmptyFolder(folder: string): boolean {
  return readdirSync(folder).length === 0;
}

/** Moves the staged folder to `out`, replacing an existing one (checked empty, or forced, by the caller). */
function publish(staged: string, out: string): void {
  if (!existsSync(out)) {
    renameSync(staged, out);
    return;
  }
  const previous = `${out}.${process.pid}.${randomBytes(4).toString('hex')}.old`;
  renameSync(out, previous);
  renameSync(staged, out);
  rmSync(previous, { recursive: true, force: true });
}

/** Imports SpecBench scenarios as a spec folder (see the module comment). */
export async function importSpecBenchSpec(options: ImportSpecBenchOptions): Promise<ImportSpecBenchResult> {
  const scenarios = readSpecBenchScenarios(options.source);
  const files = specBenchSpecFiles(scenarios, { version: options.version });
  const out = path.resolve(options.out);
  if (existsSync(out) && !options.force && !isEmptyFolder(out)) {
    throw new DataError(`${options.out} exists and is not empty`, {
      hint: 'choose another --out, or pass --force to replace it',
    });
  }
  mkdirSync(path.dirname(out), { recursive: true });
  const staged = `${out}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeStaged(staged, files);
    const checked = await checkSpec(staged);
    const errors = checked.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    if (errors.length > 0 || checked.spec === null) {
      throw new SpecError(
        `the imported spec does not pass spec check:\n${errors.map((error) => `  ${formatSpecDiagnostic(error)}`).join('\n')}`,
        { location: options.source, hint: 'check the scenario files against the SpecBench layout' },
      );
    }
    publish(staged, out);
    return {
      out,
      scenarios: scenarios.map((entry) => ({
        id: entry.id,
        name: entry.scenario.name,
        safetyRules: entry.specifications.safety_specifications.length,
        behaviouralRules: entry.specifications.behavioral_specifications.length,
      })),
      warnings: checked.diagnostics
        .filter((diagnostic) => diagnostic.severity === 'warning')
        .map((diagnostic) => ({
          ...diagnostic,
          location: { ...diagnostic.location, file: diagnostic.location.file.replace(staged, out) },
        })),
    };
  } finally {
    rmSync(staged, { recursive: true, force: true });
  }
}
