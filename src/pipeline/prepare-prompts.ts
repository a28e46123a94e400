/**
 * @module pipeline/prepare-prompts
 * Prompt intake as one step: read (JSONL/CSV/Parquet, or a SpecBench scenario's prompts.json), drop exact and near duplicates, decontaminate against the
 * evaluation sets of the config, and write a report of every removal with the example it matched.
 */
import path from 'node:path';
import { DataError } from '../errors.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import type { IntakeSettings } from '../records/pipeline-settings.js';
import type { Prompt } from '../records/prompt.js';
import { decontaminatePrompts, readEvalSet } from './decontaminate-prompts.js';
import { dedupPrompts, type RemovedPrompt } from './dedup-prompts.js';
import { type InvalidRow, type ReadPromptsResult, readPrompts } from './read-prompts.js';
import {
  readSpecBenchPromptsFile,
  readSpecBenchPromptsFolders,
  specBenchPromptsFolders,
  specBenchScenarioOfPromptsFile,
} from './read-specbench-prompts.js';
import type { RunEvents } from './run-events.js';

export interface IntakeReport {
  file: string;
  rows: number;
  kept: number;
  invalid: InvalidRow[];
  removed: RemovedPrompt[];
  evalSets: Array<{ name: string; file: string; items: number }>;
  /** `file:line: …` for rows read with an old word (an `allow` hint: write `comply`). */
  warnings: string[];
}

export interface PreparePromptsOptions {
  /** The prompts file (absolute). */
  file: string;
  settings: IntakeSettings;
  /** Resolves the eval set paths of the config (relative to the config file). */
  resolve: (relative: string) => string;
  skipInvalid?: boolean;
  events?: RunEvents;
  /** Where the report goes (JSON); not written when undefined. */
  reportFile?: string;
}

/** Reads, dedups and decontaminates the prompts; returns the kept prompts in file order and the report. */
export async function preparePrompts(
  options: PreparePromptsOptions,
): Promise<{ prompts: Prompt[]; report: IntakeReport; locations: Map<string, string> }> {
  const { prompts: read, invalid, locations, warnings, rows } = await readPromptsFile(options);
  if (read.length === 0) throw noPromptsError(options.file, invalid);
  const deduplicated = dedupPrompts(read, {
    exact: options.settings.exactDedup,
    nearDuplicateThreshold: options.settings.nearDuplicateThreshold,
    shingleSize: options.settings.shingleSize,
  });
  const evalSets = [];
  for (const reference of options.settings.decontaminate) {
    const file = options.resolve(reference.path);
    evalSets.push({ file, set: await readEvalSet(file, reference.column, reference.name) });
  }
  const decontaminated = decontaminatePrompts(
    deduplicated.kept,
    evalSets.map((entry) => entry.set),
    { ngram: options.settings.decontaminationNgram },
  );
  const removed = [...deduplicated.removed, ...decontaminated.removed];
  const events = options.events;
  if (events) {
    if (invalid.length > 0) events.count('intake:invalid-row', { amount: invalid.length });
    for (const removal of removed) events.count(`intake:${removal.reason}`);
  }
  const report: IntakeReport = {
    file: options.file,
    rows: rows ?? read.length + invalid.length,
    kept: decontaminated.kept.length,
    invalid,
    removed,
    evalSets: evalSets.map((entry) => ({ name: entry.set.name, file: entry.file, items: entry.set.items.length })),
    warnings,
  };
  if (options.reportFile) {
    writeFileAtomic(options.reportFile, `${JSON.stringify(report, null, 2)}\n`);
  }
  return { prompts: decontaminated.kept, report, locations };
}

/**
 * The prompts of a JSONL, CSV or Parquet file, of a SpecBench scenario's prompts.json (read as it is), or of a
 * SpecBench folder (every scenario's prompts.json).
 */
function readPromptsFile(options: PreparePromptsOptions): Promise<ReadPromptsResult & { rows?: number }> {
  const readOptions = {
    skipInvalid: options.skipInvalid,
    limits: { maxDepth: options.settings.maxRowDepth, maxChars: options.settings.maxPromptChars },
  };
  const specBenchOptions = { ...readOptions, adversarial: options.settings.specbenchAdversarial };
  const folders = specBenchPromptsFolders(options.file);
  if (folders !== undefined) return readSpecBenchPromptsFolders(folders, specBenchOptions);
  const scenarioFolder = specBenchScenarioOfPromptsFile(options.file);
  return scenarioFolder === undefined
    ? readPrompts(options.file, readOptions)
    : readSpecBenchPromptsFile(options.file, scenarioFolder, specBenchOptions);
}

/** Nothing to work on: an empty file, or (with skipInvalid) a file whose every row is invalid. */
function noPromptsError(file: string, invalid: InvalidRow[]): DataError {
  const first = invalid[0];
  if (!first) {
    return new DataError('the prompts file has no prompts', {
      location: file,
      hint: 'add prompts, one JSON object per line like {"id": "p1", "prompt": "..."} (see examples/prompts.jsonl)',
    });
  }
  return new DataError(`all ${invalid.length} prompt rows are invalid; the first: ${first.field}: ${first.message}`, {
    location: first.location,
    hint: first.hint ?? 'fix the rows (run without --skip-invalid to stop at each bad row in turn)',
  });
}

/** The default report path inside a run's out folder. */
export function intakeReportFile(outDirectory: string): string {
  return path.join(outDirectory, 'intake-report.json');
}
