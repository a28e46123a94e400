/**
 * @module cli/commands/run-prepare-prompts
 * `deliberate prompts prepare`: intake through spools (spoolPreparedPrompts), the kept prompts checked against the
 * spec's categories and written as they are read back, the report printed in pieces: memory does not grow with the
 * number of prompts.
 */
import path from 'node:path';
import { openAtomicFileWriter } from '../../io/atomic-file-writer.js';
import type { LoadedConfig } from '../../io/load-config.js';
import { writeJsonStreamed } from '../../io/write-json-streamed.js';
import { type SpooledIntake, spoolPreparedPrompts } from '../../pipeline/spool-prepared-prompts.js';
import { hasUnknownCategory, unknownCategoriesError } from '../../pipeline/unknown-categories.js';
import type { Prompt } from '../../records/prompt.js';
import type { Spec } from '../../records/spec.js';
import type { CliContext } from '../cli-context.js';

export interface PreparePromptsRun {
  loaded: LoadedConfig;
  spec: Spec;
  /** The prompts file (absolute). */
  input: string;
  outFile: string;
  reportFile: string;
  skipInvalid?: boolean;
  json?: boolean;
}

/** A prompt as a JSONL row that `prompts:` reads back. */
function promptRow(prompt: Prompt) {
  return { id: prompt.id, messages: prompt.messages, categories: prompt.categories, metadata: prompt.metadata };
}

/**
 * Writes the kept prompts whose categories the spec has; a prompt naming another category stops the command (nothing
 * written) or, with skipInvalid, is left out. Returns how many were written and how many were left out.
 */
function writeKnownPrompts(intake: SpooledIntake, run: PreparePromptsRun): { kept: number; unknownCategory: number } {
  const known = new Set(run.spec.categories.map((category) => category.id));
  const writer = openAtomicFileWriter(run.outFile);
  const unknown: Prompt[] = [];
  let unknownCategory = 0;
  let kept = 0;
  try {
    for (const { prompt } of intake.kept()) {
      if (hasUnknownCategory(prompt, known)) {
        unknownCategory += 1;
        if (unknown.length < 5) unknown.push(prompt);
        continue;
      }
      writer.write(`${JSON.stringify(promptRow(prompt))}\n`);
      kept += 1;
    }
    if (unknownCategory > 0 && !run.skipInvalid) {
      throw unknownCategoriesError(unknown, unknownCategory, run.spec, undefined);
    }
    writer.commit();
  } catch (error) {
    writer.abort();
    throw error;
  }
  return { kept, unknownCategory };
}

export async function runPreparePrompts(context: CliContext, run: PreparePromptsRun): Promise<void> {
  const intake = await spoolPreparedPrompts({
    file: run.input,
    settings: run.loaded.config.intake,
    resolve: run.loaded.resolve,
    skipInvalid: run.skipInvalid,
    reportFile: run.reportFile,
  });
  try {
    for (const warning of intake.summary.warnings) context.stderr(`warning: ${warning}\n`);
    const { kept, unknownCategory } = writeKnownPrompts(intake, run);
    if (run.json) {
      const { file, rows, invalid, evalSets, warnings } = intake.summary;
      const printed = { file, rows, kept, invalid, removed: [], evalSets, warnings, unknownCategory };
      writeJsonStreamed(
        context.stdout,
        { ...printed, out: run.outFile, report: run.reportFile },
        'removed',
        intake.removals.each(),
      );
      context.stdout('\n');
      return;
    }
    printPrepared(context, intake, { kept, unknownCategory, outFile: run.outFile, reportFile: run.reportFile });
  } finally {
    intake.close();
  }
}

function printPrepared(
  context: CliContext,
  intake: SpooledIntake,
  how: { kept: number; unknownCategory: number; outFile: string; reportFile: string },
): void {
  context.stdout(
    [
      `${how.kept} of ${intake.summary.rows} prompts kept → ${how.outFile}`,
      `invalid rows skipped: ${intake.summary.invalid.length}`,
      ...(how.unknownCategory > 0 ? [`removed (unknown category, --skip-invalid): ${how.unknownCategory}`] : []),
      ...[...intake.removals.byReason().entries()].map(([reason, count]) => `removed (${reason}): ${count}`),
      ...intake.removals
        .first(5)
        .map((removal) => `  ${removal.promptId} ${removal.reason} ← ${removal.matchedId}: "${removal.matchedText}"`),
      `report (every removal with the example it matched): ${how.reportFile}`,
      '',
    ].join('\n'),
  );
}

/** `prompts.prepared.jsonl` → `prompts.prepared.intake-report.json`, beside it. */
export function preparedReportFile(outFile: string): string {
  const extension = path.extname(outFile);
  return path.join(path.dirname(outFile), `${path.basename(outFile, extension)}.intake-report.json`);
}
