/**
 * @module pipeline/spool-prepared-prompts
 * Intake at any scale: the rows are read one by one into a spool (a temp file, each prompt addressed by its line),
 * then checked in file order against the prompts kept before them (exact and near duplicates) and the evaluation sets.
 * What stays in memory per prompt is a few typed-array entries (its id's hash, its text's hash, its LSH bucket keys,
 * its spool offset and whether it is kept): about 100 bytes, not the 8 KB of a prompt object. The removals go to
 * spools too, and the report is written in pieces. The results are those of read → dedup → decontaminate in memory.
 */

import { openAtomicFileWriter } from '../io/atomic-file-writer.js';
import { createLineSpool, type LineSpool } from '../io/line-spool.js';
import { stringHash32 } from '../io/string-hash32.js';
import { createUint32Multimap } from '../io/uint32-multimap.js';
import { writeJsonStreamed } from '../io/write-json-streamed.js';
import type { Prompt } from '../records/prompt.js';
import { createContaminationCheck, readEvalSet } from './decontaminate-prompts.js';
import { createPromptDeduplicator, type RemovedPrompt } from './dedup-prompts.js';
import { noPromptsError } from './no-prompts-error.js';
import type { IntakeReport, PreparePromptsOptions } from './prepare-prompts.js';
import { type InvalidRow, type ReadPromptsResult, readPromptsInto } from './read-prompts.js';
import {
  readSpecBenchPromptsFile,
  readSpecBenchPromptsFolders,
  specBenchPromptsFolders,
  specBenchScenarioOfPromptsFile,
} from './read-specbench-prompts.js';

/** The removals of an intake, in the report's order (duplicates, then contamination), kept in spools. */
export interface RemovalLog {
  readonly count: number;
  /** Removals per reason, reasons in the order they first appear in the list. */
  byReason(): Map<RemovedPrompt['reason'], number>;
  /** The first `count` removals. */
  first(count: number): RemovedPrompt[];
  each(): Generator<RemovedPrompt>;
}

export interface SpooledIntake {
  /** The report but its removals (those are `removals`). */
  summary: Omit<IntakeReport, 'removed'>;
  removals: RemovalLog;
  /** The kept prompts in file order, with the row each came from, read back from the spool. */
  kept(): Generator<{ prompt: Prompt; location: string }>;
  /** Removes the spools. */
  close(): void;
}

type SpooledRow = [location: string, prompt: Prompt];

function createRemovalSpool() {
  const spool = createLineSpool();
  const byReason = new Map<RemovedPrompt['reason'], number>();
  const first: RemovedPrompt[] = [];
  return {
    spool,
    byReason,
    first,
    add(removal: RemovedPrompt) {
      spool.append(JSON.stringify(removal));
      byReason.set(removal.reason, (byReason.get(removal.reason) ?? 0) + 1);
      if (first.length < 5) first.push(removal);
    },
  };
}

function removalLog(parts: ReadonlyArray<ReturnType<typeof createRemovalSpool>>): RemovalLog {
  return {
    get count() {
      return parts.reduce((sum, part) => sum + part.spool.count, 0);
    },
    byReason() {
      const merged = new Map<RemovedPrompt['reason'], number>();
      for (const part of parts)
        for (const [reason, count] of part.byReason) merged.set(reason, (merged.get(reason) ?? 0) + count);
      return merged;
    },
    first(count) {
      return parts.flatMap((part) => part.first).slice(0, count);
    },
    *each() {
      for (const part of parts) for (const line of part.spool.lines()) yield JSON.parse(line) as RemovedPrompt;
    },
  };
}

/**
 * The prompts of a SpecBench scenario's prompts.json (read as it is) or of a SpecBench folder (every scenario's
 * prompts.json), read whole (a few hundred prompts a scenario); undefined for any other prompts file.
 */
function readSpecBenchPrompts(
  options: PreparePromptsOptions,
): Promise<ReadPromptsResult & { rows?: number }> | undefined {
  const specBenchOptions = {
    skipInvalid: options.skipInvalid,
    limits: rowLimits(options),
    adversarial: options.settings.specbenchAdversarial,
  };
  const folders = specBenchPromptsFolders(options.file);
  if (folders !== undefined) return readSpecBenchPromptsFolders(folders, specBenchOptions);
  const scenarioFolder = specBenchScenarioOfPromptsFile(options.file);
  return scenarioFolder === undefined
    ? undefined
    : readSpecBenchPromptsFile(options.file, scenarioFolder, specBenchOptions);
}

function rowLimits(options: PreparePromptsOptions) {
  return { maxDepth: options.settings.maxRowDepth, maxChars: options.settings.maxPromptChars };
}

/**
 * Pass 1: every valid row into the spool; ids checked through a hash index that reads a match back to compare.
 * `rows`: the rows read, when not the prompts and invalid rows counted (a SpecBench item can be two prompts).
 */
async function spoolRows(
  options: PreparePromptsOptions,
  spool: LineSpool,
): Promise<{ invalid: InvalidRow[]; warnings: string[]; rows?: number }> {
  const specBench = readSpecBenchPrompts(options);
  if (specBench) {
    const read = await specBench;
    for (const prompt of read.prompts) {
      spool.append(JSON.stringify([read.locations.get(prompt.id) ?? options.file, prompt] satisfies SpooledRow));
    }
    return { invalid: read.invalid, warnings: read.warnings, rows: read.rows };
  }
  const ids = createUint32Multimap();
  const rowAt = (index: number) => JSON.parse(spool.read(index)) as SpooledRow;
  return readPromptsInto(
    options.file,
    { skipInvalid: options.skipInvalid, limits: rowLimits(options) },
    {
      locationOf(id) {
        let location: string | undefined;
        ids.forEachValue(stringHash32(id), (index) => {
          const [at, prompt] = rowAt(index);
          if (prompt.id === id) location = at;
        });
        return location;
      },
      add(prompt, location) {
        ids.add(stringHash32(prompt.id), spool.append(JSON.stringify([location, prompt] satisfies SpooledRow)));
      },
    },
  );
}

/** Reads, dedups and decontaminates the prompts through spools; call `close` when done with the result. */
export async function spoolPreparedPrompts(options: PreparePromptsOptions): Promise<SpooledIntake> {
  const spool = createLineSpool();
  const duplicates = createRemovalSpool();
  const contaminated = createRemovalSpool();
  const close = () => {
    for (const each of [spool, duplicates.spool, contaminated.spool]) each.close();
  };
  try {
    const { invalid, warnings, rows } = await spoolRows(options, spool);
    if (spool.count === 0) throw noPromptsError(options.file, invalid);
    const evalSets = [];
    for (const reference of options.settings.decontaminate) {
      const file = options.resolve(reference.path);
      evalSets.push({ file, set: await readEvalSet(file, reference.column, reference.name) });
    }
    const keptFlags = checkSpooledPrompts(spool, options, {
      evalSets: evalSets.map((entry) => entry.set),
      duplicates,
      contaminated,
    });
    const removals = removalLog([duplicates, contaminated]);
    const summary: SpooledIntake['summary'] = {
      file: options.file,
      rows: rows ?? spool.count + invalid.length,
      kept: spool.count - removals.count,
      invalid,
      evalSets: evalSets.map((entry) => ({ name: entry.set.name, file: entry.file, items: entry.set.items.length })),
      warnings,
    };
    countEvents(options, invalid.length, removals);
    if (options.reportFile) writeIntakeReport(options.reportFile, summary, removals);
    return { summary, removals, kept: () => keptRows(spool, keptFlags), close };
  } catch (error) {
    close();
    throw error;
  }
}

/** Pass 2: each spooled prompt in file order against those kept before it, then against the evaluation sets. */
function checkSpooledPrompts(
  spool: LineSpool,
  options: PreparePromptsOptions,
  into: {
    evalSets: Parameters<typeof createContaminationCheck>[0];
    duplicates: ReturnType<typeof createRemovalSpool>;
    contaminated: ReturnType<typeof createRemovalSpool>;
  },
): Uint8Array {
  const { settings } = options;
  const deduplicator = createPromptDeduplicator(
    {
      exact: settings.exactDedup,
      nearDuplicateThreshold: settings.nearDuplicateThreshold,
      shingleSize: settings.shingleSize,
    },
    { capacity: spool.count, promptAt: (index) => (JSON.parse(spool.read(index)) as SpooledRow)[1] },
  );
  const contaminationOf = createContaminationCheck(into.evalSets, { ngram: settings.decontaminationNgram });
  const kept = new Uint8Array(spool.count);
  let index = 0;
  for (const line of spool.lines()) {
    const prompt = (JSON.parse(line) as SpooledRow)[1];
    const duplicate = deduplicator.check(prompt, index);
    if (duplicate) into.duplicates.add(duplicate);
    else {
      // A duplicate of a contaminated prompt is a duplicate (dedup runs over every prompt first, as it always has).
      const contamination = contaminationOf(prompt);
      if (contamination) into.contaminated.add(contamination);
      else kept[index] = 1;
    }
    index += 1;
  }
  return kept;
}

function* keptRows(spool: LineSpool, kept: Uint8Array): Generator<{ prompt: Prompt; location: string }> {
  let index = 0;
  for (const line of spool.lines()) {
    if (kept[index++] === 1) {
      const [location, prompt] = JSON.parse(line) as SpooledRow;
      yield { prompt, location };
    }
  }
}

function countEvents(options: PreparePromptsOptions, invalid: number, removals: RemovalLog): void {
  const events = options.events;
  if (!events) return;
  if (invalid > 0) events.count('intake:invalid-row', { amount: invalid });
  for (const [reason, amount] of removals.byReason()) events.count(`intake:${reason}`, { amount });
}

/** The intake report as JSON (two-space indent, as it has always been written), written in pieces. */
export function writeIntakeReport(file: string, summary: SpooledIntake['summary'], removals: RemovalLog): void {
  const writer = openAtomicFileWriter(file);
  try {
    const { file: input, rows, kept, invalid, evalSets, warnings } = summary;
    const ordered = { file: input, rows, kept, invalid, removed: [], evalSets, warnings };
    writeJsonStreamed((text) => writer.write(text), ordered, 'removed', removals.each(), 2);
    writer.write('\n');
    writer.commit();
  } catch (error) {
    writer.abort();
    throw error;
  }
}
