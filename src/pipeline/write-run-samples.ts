/**
 * @module pipeline/write-run-samples
 * A run's per-sample files: `samples.jsonl` (from the select stage on: one row per sample unit, in unit order, a
 * failed teacher call included, so no sample disappears between the prompts and this file) and `judgements.jsonl`
 * (from the judge stage on: every judge run of every judged completion, so a changed threshold needs no re-judging).
 * Both are written a row at a time: judgements.jsonl while the judge stage runs (openJudgementsFile; renamed into
 * place here), or, without that file, each judge record read back from the run store as its row is written.
 */
import path from 'node:path';
import { openAtomicFileWriter } from '../io/atomic-file-writer.js';
import { writeJsonl } from '../io/jsonl.js';
import type { RunStore } from '../io/run-store.js';
import { removeStaleTemporaries } from '../io/write-file-atomic.js';
import { redactSecrets } from '../models/redact-secrets.js';
import type { JudgeRecord } from '../records/sample.js';
import type { GenerationUnit } from './generate-samples.js';
import { readJudgeRecord, readValidatedCompletion, type ValidatedCompletion } from './judge-samples.js';
import type { GenerateStageResult } from './run-generate-stage.js';
import type { JudgeStageResult } from './run-judge-stage.js';
import type { Selection } from './select-samples.js';

export interface StageOutputs {
  units: GenerationUnit[];
  generated: GenerateStageResult;
  validated: ValidatedCompletion[];
  judging: JudgeStageResult;
  selection: Selection | undefined;
}

/** Writes the files the stages that ran produce. */
export function writeRunSamples(outDirectory: string, outputs: StageOutputs, store: RunStore): void {
  const { selection, judging, validated } = outputs;
  // Each row's completion is read back from the store: the reads share one transaction (one WAL read lock).
  if (selection)
    store.read(() => writeJsonl(path.join(outDirectory, 'samples.jsonl'), sampleRows(outputs, selection, store)));
  // Written from the judge stage on (rejected completions included), so `deliberate judge` leaves the verdicts to read.
  if (judging.ran && judging.judgements) judging.judgements.commit();
  else if (judging.ran) {
    store.read(() => writeJsonl(path.join(outDirectory, 'judgements.jsonl'), judgeRows(validated, judging, store)));
  }
}

/** The stored judge record of each judged completion, in completion order. */
function* judgeRows(validated: ValidatedCompletion[], judging: JudgeStageResult, store: RunStore) {
  for (const entry of validated) {
    const verdict = judging.judged.get(entry.completion.id);
    if (verdict) yield readJudgeRecord(store, verdict.unitKey, entry.completion.id);
  }
}

/** judgements.jsonl as the judge stage writes it: a row per record, in place on `commit`, gone on `abort`. */
export interface JudgementsFile {
  write(record: JudgeRecord): void;
  /** Renames the written rows into place (writeRunSamples, with the run's other files). */
  commit(): void;
  /** Removes the rows written (a failed run leaves the previous file as it was); nothing after `commit`. */
  abort(): void;
}

/**
 * Starts `<out>/judgements.jsonl` through a temp file beside it, so a killed run leaves no half file; the temp files
 * of killed runs (their process gone) are removed first.
 */
export function openJudgementsFile(outDirectory: string): JudgementsFile {
  const file = path.join(outDirectory, 'judgements.jsonl');
  removeStaleTemporaries(file);
  const writer = openAtomicFileWriter(file);
  let done = false;
  return {
    write: (record) => writer.write(`${JSON.stringify(record)}\n`),
    commit() {
      done = true;
      writer.commit();
    },
    abort() {
      if (done) return;
      done = true;
      writer.abort();
    },
  };
}

function* sampleRows({ units, generated, validated, judging }: StageOutputs, selection: Selection, store: RunStore) {
  const validatedById = new Map(validated.map((entry) => [entry.completion.id, entry]));
  for (const unit of units) yield sampleRow(unit, { validatedById, generated, judging, selection, store });
}

/** One unit's row of samples.jsonl; a validated completion's texts are read back from the run store. */
function sampleRow(
  unit: GenerationUnit,
  stages: {
    validatedById: Map<string, ValidatedCompletion>;
    generated: GenerateStageResult;
    judging: JudgeStageResult;
    selection: Selection;
    store: RunStore;
  },
) {
  const { validatedById, generated, judging, selection } = stages;
  const status = generated.statuses.get(unit.key);
  const entry = status?.completionId ? validatedById.get(status.completionId) : undefined;
  if (!entry) return failedRow(unit, status?.failure ?? generated.teacherFailures.get(unit.key));
  const completion = readValidatedCompletion(entry, stages.store);
  const judgeRecord = judging.judged.get(entry.completion.id);
  const reason = selection.rejections.get(entry.completion.id);
  const judgeFailure = judging.judgeFailures.get(entry.completion.id);
  return {
    completionId: entry.completion.id,
    promptId: entry.prompt.id,
    sampleIndex: completion.sampleIndex,
    categories: entry.prompt.categories,
    status: reason === undefined ? 'accepted' : 'rejected',
    reason: reason ?? null,
    ...(judgeFailure ? { message: redactSecrets(judgeFailure.message) } : {}),
    findings: entry.findings,
    // The backend's warnings (several think blocks, an unclosed one …): why `malformed-reasoning` rejected it.
    warnings: completion.warnings ?? [],
    score: judgeRecord?.score ?? null,
    action: judgeRecord?.action ?? null,
    runsMade: judgeRecord?.runsMade ?? 0,
    finishReason: completion.finishReason,
    reasoning: completion.reasoning,
    answer: completion.answer,
  };
}

/** The row of a sample whose teacher call failed: status "failed", reason generate:<kind>. */
function failedRow(unit: GenerationUnit, failure: { kind: string; message: string } | undefined) {
  return {
    completionId: null,
    promptId: unit.prompt.id,
    sampleIndex: unit.sampleIndex,
    categories: unit.prompt.categories,
    status: 'failed',
    // A transport failure of this run is not stored (counted; the next run retries it), but its message is kept.
    reason: `generate:${failure?.kind ?? 'transport-failure'}`,
    message: failure ? redactSecrets(failure.message) : null,
    findings: [],
    warnings: [],
    score: null,
    action: null,
    runsMade: 0,
    finishReason: null,
    reasoning: null,
    answer: null,
  };
}
