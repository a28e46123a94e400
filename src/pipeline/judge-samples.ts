/**
 * @module pipeline/judge-samples
 * The validate and judge stages. Deterministic validation first (no judge call for a truncated, leaking or
 * mis-citing completion); then the spec-aware judge on the rest with the reasoning visible (SFT filtering), k runs,
 * early exit below the selection threshold. Every judge result is stored with all its runs, so a changed threshold
 * needs no re-judging (except early-exited results that a lower threshold could now accept).
 */

import { CancelledError, DataError } from '../errors.js';
import { createGraderClient, GraderUnavailableError } from '../grading/create-grader-client.js';
import { createJudge, defaultJudgeTemplate, type JudgeTemplate } from '../grading/judge-completion.js';
import type { RunStore } from '../io/run-store.js';
import { sha256, stableHash } from '../io/stable-hash.js';
import { createWorkQueue } from '../io/work-queue.js';
import type { ModelClient } from '../models/model-client.js';
import type { Completion } from '../records/completion.js';
import type { JudgeStageSettings, ValidateSettings } from '../records/pipeline-settings.js';
import type { Prompt } from '../records/prompt.js';
import { type GenerationRecord, JudgeRecord } from '../records/sample.js';
import type { Spec } from '../records/spec.js';
import { renderSpecForPrompt } from '../spec/render-spec.js';
import { specIds } from '../spec/spec-ids.js';
import { generateStage, readCompletion, specTextHasher } from './generate-samples.js';
import type { RunEvents } from './run-events.js';
import { type ProgressSink, startStageProgress } from './stage-progress.js';
import { type ValidationFinding, validateCompletion } from './validate-completion.js';

export const judgeStage = 'judge';

/** What later stages keep of a completion: its id and sample index (its texts stay in the run store). */
export type CompletionRef = Pick<Completion, 'id' | 'sampleIndex'>;

/**
 * A validated completion as later stages keep it in memory: the prompt, the completion's id and sample index, and the
 * findings; `unitKey` (its generation unit) names the record to read the completion's texts back from the run store.
 */
export interface ValidatedCompletion {
  prompt: Prompt;
  completion: CompletionRef;
  findings: ValidationFinding[];
  /** The generation unit whose stored record holds the completion (readValidatedCompletion). */
  unitKey?: string;
}

/**
 * The whole completion of a validated entry: the entry's own when it holds one, otherwise read back from the run
 * store under its unit key (a missing row is a DataError naming the unit and the store). The row's shape is not
 * checked again: validateGenerations made the entry from a record it checked (read back with its schema, or built by
 * this run's generate stage), and the run holds the store's lock.
 */
export function readValidatedCompletion(entry: ValidatedCompletion, store?: RunStore): Completion {
  if ('answer' in entry.completion) return entry.completion as Completion;
  if (!store || entry.unitKey === undefined) {
    throw new DataError(`the texts of completion ${entry.completion.id} are not at hand`, {
      hint: 'pass the run store (or whole completions) with the validated completions',
    });
  }
  const record = store.get<Pick<GenerationRecord, 'completion'>>(generateStage, entry.unitKey);
  return record?.completion ?? readCompletion(store, { key: entry.unitKey, prompt: entry.prompt });
}

/** The deterministic checks of one completion, as the validate stage makes them. */
export function completionValidator(
  spec: Spec,
  settings: ValidateSettings,
): (completion: Completion) => ValidationFinding[] {
  const ids = specIds(spec);
  return (completion) =>
    validateCompletion(completion, {
      ids,
      extraLeakagePhrases: settings.extraLeakagePhrases,
      minAnswerChars: settings.minAnswerChars,
    });
}

/** A completion validated as the generate stage stored it (its ref and findings; its texts stay in the run store). */
export interface EarlyValidation {
  completion: CompletionRef;
  findings: ValidationFinding[];
}

/**
 * Validates each completion the generate stage stores while the stage runs (the record in hand, not read back):
 * `see` takes a unit's new completion, `results` holds the findings by unit key for validateGenerations. `onValid`
 * sees each completion without findings (the token worker's prefetch).
 */
export function validateAsGenerated(options: {
  spec: Spec;
  settings: ValidateSettings;
  onValid?: (completion: Completion) => void;
}) {
  const validate = completionValidator(options.spec, options.settings);
  const results = new Map<string, EarlyValidation>();
  const see = (unitKey: string, completion: Completion) => {
    const findings = validate(completion);
    if (findings.length === 0) options.onValid?.(completion);
    results.set(unitKey, { completion: { id: completion.id, sampleIndex: completion.sampleIndex }, findings });
  };
  return { see, results: results as ReadonlyMap<string, EarlyValidation> };
}

/**
 * Runs the deterministic checks on every completion (in unit order, each read back from the run store unless `early`
 * holds its findings: validateAsGenerated) and counts each rejection by its first code; `onValid` sees each completion
 * without findings that it reads back (the token worker's prefetch).
 */
export function validateGenerations(options: {
  units: Array<{ key: string; prompt: Prompt }>;
  statuses: ReadonlyMap<string, { completionId: string | null }>;
  store: RunStore;
  spec: Spec;
  settings: ValidateSettings;
  events: RunEvents;
  onValid?: (completion: Completion) => void;
  /** Findings made as the generate stage stored the completions, by unit key (validateAsGenerated). */
  early?: ReadonlyMap<string, EarlyValidation>;
}): ValidatedCompletion[] {
  const validate = completionValidator(options.spec, options.settings);
  const validated: ValidatedCompletion[] = [];
  for (const unit of options.units) {
    if (!options.statuses.get(unit.key)?.completionId) continue;
    const { completion: ref, findings } = options.early?.get(unit.key) ?? readAndValidate(unit);
    if (findings.length > 0) {
      options.events.count(`validate:${findings[0]!.code}`, { categories: unit.prompt.categories });
    }
    validated.push({ prompt: unit.prompt, completion: ref, findings, unitKey: unit.key });
  }
  return validated;

  function readAndValidate(unit: { key: string; prompt: Prompt }): EarlyValidation {
    const completion = readCompletion(options.store, unit);
    const findings = validate(completion);
    if (findings.length === 0) options.onValid?.(completion);
    return { completion: { id: completion.id, sampleIndex: completion.sampleIndex }, findings };
  }
}

export interface JudgeSamplesOptions {
  validated: ValidatedCompletion[];
  spec: Spec;
  judge: ModelClient;
  settings: JudgeStageSettings;
  /** The selection threshold: runs stop early once the minimum is below it. */
  threshold: number;
  store: RunStore;
  events: RunEvents;
  concurrency: number;
  signal?: AbortSignal;
  progress?: ProgressSink;
  /** The judge prompt's words (default: the built-in template, JUDGE_PROMPT_VERSION). */
  template?: JudgeTemplate;
  /** Awaited once before the stage's first request (the role preflight); not called when every unit is stored. */
  beforeFirstRequest?: () => Promise<void>;
  /** Filled with this run's judge errors (not stored: the next run judges again), by completion id. */
  transientFailures?: Map<string, { kind: 'judge-error'; message: string }>;
  /**
   * Sees every result's whole record in completion order (judgements.jsonl, written while the stage runs): a new one
   * once it is committed, a stored one as it is found (see inCompletionOrder).
   */
  onRecord?: (record: JudgeRecord) => void;
}

/**
 * The unit key of one completion's judging: the completion, the judge, k, the spec, the judge template (id and hash:
 * an upgraded built-in prompt or an edited custom one needs new verdicts) and the idealAction hint (the judge prompt
 * carries it, so an edited label needs a new verdict, while the completion itself is kept).
 */
export function judgeUnitKey(
  completion: CompletionRef,
  judge: ModelClient,
  settings: JudgeStageSettings,
  spec: Spec,
  prompt: Prompt,
  template: JudgeTemplate = defaultJudgeTemplate,
  specTextHash?: string,
): string {
  const hint = prompt.metadata.idealAction;
  return `judge-${stableHash({
    completionId: completion.id,
    judge: judge.model.cacheIdentity,
    runs: settings.runs,
    maxTokens: settings.maxTokens,
    // The spec text the judge reads (spec(category)), not the whole-spec hash: other categories' edits keep it.
    specText: specTextHash ?? sha256(renderSpecForPrompt(spec, prompt)),
    judgeTemplate: { id: template.id, hash: template.hash },
    ...(hint === undefined ? {} : { hint }),
  }).slice(0, 24)}`;
}

/**
 * A judge record as the later stages keep it in memory: everything but its runs' judgements (each run's rationale,
 * rubric scores and usage), which stay in the run store under `unitKey` and are read back, one at a time, when
 * judgements.jsonl is written; `judgementIds` names them for the SFT export.
 */
export type JudgeVerdict = Omit<JudgeRecord, 'judgements'> & { unitKey: string; judgementIds: string[] };

/** The in-memory verdict of a judge record stored under `unitKey`. */
export function judgeVerdict(record: JudgeRecord, unitKey: string): JudgeVerdict {
  const { judgements: _runs, ...verdict } = record;
  return { ...verdict, unitKey, judgementIds: judgementIdsOf(record) };
}

/** A judge result as later stages read it: a whole record (the public selectSamples takes those) or its verdict. */
export type JudgeResult = JudgeRecord | JudgeVerdict;

/** The ids of a judge result's runs (`<completion id>#<run>`), as the SFT export names them. */
export function judgementIdsOf(result: JudgeResult): string[] {
  if ('judgementIds' in result) return result.judgementIds;
  return result.judgements.map((judgement) => `${judgement.completionId}#${judgement.run}`);
}

/** A stored result is final unless it stopped early at a higher threshold and would now need the remaining runs. */
export function isFinal(record: JudgeRecord, threshold: number): boolean {
  if (!record.earlyExit || record.score === null) return true;
  return record.score < threshold;
}

/**
 * Judges every valid completion that has no final stored result; returns every result's verdict by completion id (the
 * runs' judgements stay in the store).
 */
export async function judgeSamples(options: JudgeSamplesOptions): Promise<Map<string, JudgeVerdict>> {
  const { spec, judge, settings, store, events, threshold } = options;
  const template = options.template ?? defaultJudgeTemplate;
  const toJudge = options.validated.filter((entry) => entry.findings.length === 0);
  const specTextHash = specTextHasher(spec);
  const results = new Map<string, JudgeVerdict>();
  const unitKey = (entry: ValidatedCompletion) =>
    judgeUnitKey(entry.completion, judge, settings, spec, entry.prompt, template, specTextHash(entry.prompt));
  // Each unit's key once (a hash of the completion, the judge and the spec text): the commit reuses it. A store
  // without judge units (a fresh run) has no stored results to look up: each key is made when its unit is judged.
  const keys: string[] = [];
  const keyOf = (index: number) => (keys[index] ??= unitKey(toJudge[index]!));
  const emit = options.onRecord && inCompletionOrder(options.onRecord, (key) => readJudgeRecord(store, key));
  const findStored = () => {
    for (const [index, entry] of toJudge.entries()) {
      const key = keyOf(index);
      const stored = store.get(judgeStage, key, JudgeRecord);
      if (!stored || !isFinal(stored, threshold)) continue;
      results.set(entry.completion.id, judgeVerdict(stored, key));
      emit?.(index, stored, key);
    }
  };
  // The lookups share one read transaction (one WAL read lock, not one each).
  if (store.count(judgeStage) > 0) store.read(findStored);
  const progress = startStageProgress(options.progress, {
    stage: 'judge',
    total: toJudge.length,
    alreadyDone: results.size,
  });
  if (results.size < toJudge.length) await options.beforeFirstRequest?.();
  const judgeClient = createGraderClient(createJudge({ judge, spec, maxTokens: settings.maxTokens, template }), {
    role: 'judge',
    modelId: judge.id,
    signal: options.signal,
    locate: (request) => `completion ${request.completion.id} of prompt ${request.prompt.id}`,
  });
  const queue = createWorkQueue(options.concurrency);
  for (const [index, entry] of toJudge.entries()) {
    if (results.has(entry.completion.id)) continue;
    queue.add(async () => {
      const record = await judgeOne(entry, keyOf(index));
      emit?.(index, record, keyOf(index));
    });
  }
  await queue.done();
  progress.finish();
  if (emit && emit.written() !== toJudge.length) throw new Error('judgeSamples: a unit left no result for onRecord');
  countJudgeEvents(toJudge, results, events, threshold);
  return results;

  /** Judges one unit and commits its record; null when it was cancelled or failed (left for the next run). */
  async function judgeOne(entry: ValidatedCompletion, key: string): Promise<JudgeRecord | null> {
    if (options.signal?.aborted) return null;
    const completion = readValidatedCompletion(entry, store);
    const result = await judgeClient
      .grade({
        prompt: entry.prompt,
        completion: { id: completion.id, reasoning: completion.reasoning, answer: completion.answer },
        sawReasoning: true,
        runs: settings.runs,
        stopBelow: threshold,
      })
      .catch((error: unknown) => {
        // Ctrl-C, or a judge call deferred to a batch file (--via batch): the unit is left for the next run, like
        // every unit not started.
        if (error instanceof CancelledError) return null;
        // An unreachable judge call fails this unit for this run (never an unscored verdict, never stored): the
        // role's streak breaker and the failure allowance decide whether the run stops.
        if (error instanceof GraderUnavailableError) {
          events.count('judge:unscored:judge-error', { categories: entry.prompt.categories });
          const message = `${error.kind}: ${error.detail}`;
          options.transientFailures?.set(entry.completion.id, { kind: 'judge-error', message });
          return null;
        }
        throw error;
      });
    if (result === null || options.signal?.aborted) return null;
    const record: JudgeRecord = {
      schemaVersion: 1,
      completionId: entry.completion.id,
      promptId: entry.prompt.id,
      judgements: result.judgements,
      score: result.score,
      scores: result.scores,
      verdict: result.verdict,
      unscoredReason: result.unscoredReason,
      expectedAction: result.expectedAction,
      action: result.action,
      ruleIds: result.ruleIds,
      agreeWithHint: result.agreeWithHint,
      usage: result.usage,
      runsMade: result.runsMade,
      earlyExit: result.earlyExit,
      stopBelow: threshold,
      runsRequested: settings.runs,
    };
    await store.commit(judgeStage, key, record);
    results.set(entry.completion.id, judgeVerdict(record, key));
    progress.tick(1, result.usage.completionTokens);
    return record;
  }
}

/** Counts the stage's unscored, below-threshold and early-exit results (in completion order). */
function countJudgeEvents(
  toJudge: ValidatedCompletion[],
  results: Map<string, JudgeVerdict>,
  events: RunEvents,
  threshold: number,
): void {
  for (const entry of toJudge) {
    const record = results.get(entry.completion.id);
    if (!record) continue;
    if (record.verdict === 'unscored') {
      events.count(`judge:unscored:${record.unscoredReason ?? 'judge-error'}`, { categories: entry.prompt.categories });
    } else if (record.score !== null && record.score < threshold) {
      events.count('judge:below-threshold', { categories: entry.prompt.categories });
    }
    // An early exit is a scored minimum below the threshold; an unscored run also stops judging, but it is counted above.
    if (record.earlyExit && record.verdict !== 'unscored') events.count('judge:early-exit');
  }
}

/** The judge record stored under `key` (a verdict's); a missing row is a DataError naming the completion and store. */
export function readJudgeRecord(store: RunStore, key: string, completionId?: string): JudgeRecord {
  const record = store.get(judgeStage, key, JudgeRecord);
  // A verdict is kept only after its record is committed: a missing row means the store changed under the run.
  if (!record) {
    throw new DataError(
      `the judge record of ${completionId ? `completion ${completionId}` : key} is missing from the run store`,
      {
        location: store.file,
        hint: 'another process changed the run store during this run; run again (stored work is not sent twice)',
      },
    );
  }
  return record;
}

/** How many records a reorder buffer keeps in hand; beyond it, a waiting record is read back from the store. */
const recordsInHand = 256;

/**
 * Hands results to `write` in index order although they arrive in any order: each index once, with its record or
 * null (no result). A record that must wait for an earlier index is kept (up to recordsInHand of them; later ones
 * only by key, read back with `readBack` when their turn comes), so memory stays bounded whatever the order.
 */
export function inCompletionOrder(write: (record: JudgeRecord) => void, readBack: (key: string) => JudgeRecord) {
  const waiting = new Map<number, JudgeRecord | string | null>();
  let next = 0;
  let inHand = 0;
  const emit = (index: number, record: JudgeRecord | null, key: string) => {
    if (index !== next) {
      const keep = record !== null && inHand < recordsInHand;
      if (keep) inHand++;
      waiting.set(index, keep ? record : record === null ? null : key);
      return;
    }
    if (record) write(record);
    next++;
    while (waiting.has(next)) {
      const value = waiting.get(next)!;
      waiting.delete(next);
      next++;
      if (value === null) continue;
      if (typeof value === 'string') write(readBack(value));
      else {
        inHand--;
        write(value);
      }
    }
  };
  return Object.assign(emit, { written: () => next });
}
