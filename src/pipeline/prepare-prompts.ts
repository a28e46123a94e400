/**
 * @module pipeline/prepare-prompts
 * Prompt intake as one step: read (JSONL/CSV/Parquet, or a SpecBench scenario's prompts.json), drop exact and near duplicates, decontaminate against the
 * evaluation sets of the config, and write a report of every removal with the example it matched.
 */
import path from 'node:path';
import type { IntakeSettings } from '../records/pipeline-settings.js';
import type { Prompt } from '../records/prompt.js';
import type { RemovedPrompt } from './dedup-prompts.js';
import type { InvalidRow } from './read-prompts.js';
import type { RunEvents } from './run-events.js';
import { spoolPreparedPrompts } from './spool-prepared-prompts.js';

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

/**
 * Reads, dedups and decontaminates the prompts; returns the kept prompts in file order (with where each was read:
 * `locations`, by prompt id) and the report. Built on spoolPreparedPrompts, which `prompts prepare` uses directly so
 * as never to hold every prompt.
 */
export async function preparePrompts(
  options: PreparePromptsOptions,
): Promise<{ prompts: Prompt[]; report: IntakeReport; locations: Map<string, string> }> {
  const intake = await spoolPreparedPrompts(options);
  try {
    const prompts: Prompt[] = [];
    const locations = new Map<string, string>();
    for (const { prompt, location } of intake.kept()) {
      prompts.push(prompt);
      locations.set(prompt.id, location);
    }
    const { file, rows, kept, invalid, evalSets, warnings } = intake.summary;
    const removed = [...intake.removals.each()];
    return { prompts, report: { file, rows, kept, invalid, removed, evalSets, warnings }, locations };
  } finally {
    intake.close();
  }
}

/** The default report path inside a run's out folder. */
export function intakeReportFile(outDirectory: string): string {
  return path.join(outDirectory, 'intake-report.json');
}
