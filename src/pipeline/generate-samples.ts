/**
 * @module pipeline/generate-samples
 * The generate stage: for each prompt, N teacher samples (seed per sample index) of the template filled with
 * spec(category) and the conversation. Each sample is a unit keyed by the content hash of everything that shapes the
 * request; a finished unit is stored at once, so a killed run resumes without repeating or losing samples.
 */

import { DataError } from '../errors.js';
import { looksLikeRefusal } from '../grading/detect-refusal.js';
import type { RunStore } from '../io/run-store.js';
import { canonicalJson, sha256, stableHash } from '../io/stable-hash.js';
import { createWorkQueue } from '../io/work-queue.js';
import type { ModelClient } from '../models/model-client.js';
import type { Completion } from '../records/completion.js';
import type { GenerateSettings } from '../records/pipeline-settings.js';
import type { Prompt } from '../records/prompt.js';
import { type GenerationFailure, GenerationRecord } from '../records/sample.js';
import type { Spec } from '../records/spec.js';
import type { Usage } from '../records/usage.js';
import { renderSpecForPrompt } from '../spec/render-spec.js';
import { createRenderedSpecCache } from '../spec/rendered-spec-cache.js';
import { buildGenerationMessages, type GenerationTemplate } from './generation-template.js';
import type { RunEvents } from './run-events.js';
import { type ProgressSink, startStageProgress } from './stage-progress.js';

export const generateStage = 'generate';

export interface GenerationUnit {
  key: string;
  prompt: Prompt;
  sampleIndex: number;
}

export interface GenerateSamplesOptions {
  prompts: Prompt[];
  spec: Spec;
  teacher: ModelClient;
  template: GenerationTemplate;
  settings: GenerateSettings;
  store: RunStore;
  events: RunEvents;
  concurrency: number;
  signal?: AbortSignal;
  progress?: ProgressSink;
  /** Awaited once before the stage's first request (the role preflight); not called when every unit is stored. */
  beforeFirstRequest?: () => Promise<void>;
  /** Filled with this run's transport failures (not stored: the next run retries them), by unit key. */
  transientFailures?: Map<string, { kind: 'transport-failure'; message: string }>;
  /** The units to run, when the caller has them already (default: generationUnits of these options). */
  units?: readonly GenerationUnit[];
  /** Sees each new completion once its record is committed (the record in hand: the run validates it then). */
  onCompletion?: (unitKey: string, completion: Completion) => void;
}

/**
 * The unit key of one sample: the prompt, the spec text it sends (spec(category), not the whole-spec hash: an edit
 * of another category leaves it alone), template, teacher and sampling that shape the request.
 */
export function generationUnitKey(options: {
  prompt: Prompt;
  spec: Spec;
  template: GenerationTemplate;
  teacher: ModelClient;
  settings: GenerateSettings;
  sampleIndex: number;
  /** sha256 of renderSpecForPrompt(spec, prompt), when the caller has it (generationUnits memoises it). */
  specTextHash?: string;
}): string {
  const { prompt, settings } = options;
  return `gen-${stableHash({
    promptId: prompt.id,
    messages: prompt.messages,
    categories: prompt.categories,
    specText: options.specTextHash ?? sha256(renderSpecForPrompt(options.spec, prompt)),
    templateHash: options.template.hash,
    placement: settings.specPlacement,
    teacher: options.teacher.model.cacheIdentity,
    temperature: settings.temperature,
    topP: settings.topP,
    maxTokens: settings.maxTokens,
    seed: settings.seed + options.sampleIndex,
    sampleIndex: options.sampleIndex,
  }).slice(0, 24)}-s${options.sampleIndex}`;
}

/** Every sample unit of the run, in prompt order then sample order (the order outputs are written in). */
export function generationUnits(
  options: Omit<GenerateSamplesOptions, 'store' | 'events' | 'concurrency'>,
): GenerationUnit[] {
  const units: GenerationUnit[] = [];
  const specTextHash = specTextHasher(options.spec);
  for (const prompt of options.prompts) {
    const keyOf = promptUnitKeys({ ...options, prompt, specTextHash: specTextHash(prompt) });
    for (let sampleIndex = 0; sampleIndex < options.settings.samples; sampleIndex++) {
      units.push({ key: keyOf(sampleIndex), prompt, sampleIndex });
    }
  }
  return units;
}

/**
 * generationUnitKey of each sample of one prompt, the prompt's part of the canonical JSON made once: sorted, the
 * fields that depend on the sample (`sampleIndex`, `seed`) sit between the prompt's fields and the others, so only
 * they are written per sample (the same bytes, hence the same keys: generate-samples.test.ts).
 */
function promptUnitKeys(
  options: Omit<Parameters<typeof generationUnitKey>[0], 'sampleIndex'> & { specTextHash: string },
) {
  const { prompt, settings } = options;
  const before = canonicalJson({
    categories: prompt.categories,
    maxTokens: settings.maxTokens,
    messages: prompt.messages,
    placement: settings.specPlacement,
    promptId: prompt.id,
  }).slice(0, -1);
  const after = canonicalJson({
    specText: options.specTextHash,
    teacher: options.teacher.model.cacheIdentity,
    temperature: settings.temperature,
    templateHash: options.template.hash,
    topP: settings.topP,
  }).slice(1);
  return (sampleIndex: number) => {
    const sample = `"sampleIndex":${JSON.stringify(sampleIndex)},"seed":${JSON.stringify(settings.seed + sampleIndex)}`;
    return `gen-${sha256(`${before},${sample},${after}`).slice(0, 24)}-s${sampleIndex}`;
  };
}

/** sha256 of spec(category) per category set, memoised: what unit keys depend on instead of the whole-spec hash. */
export function specTextHasher(spec: Spec): (prompt: Prompt) => string {
  const hashes = new Map<string, string>();
  return (prompt) => {
    const key = prompt.categories.join('\u0000');
    let hash = hashes.get(key);
    if (hash === undefined) {
      hash = sha256(renderSpecForPrompt(spec, prompt));
      hashes.set(key, hash);
    }
    return hash;
  };
}

/**
 * What later stages keep in memory of a stored generation record: its completion's id (the completion itself stays in
 * the run store under the unit key and is read back when a stage needs its text), its failure, its usage and whether
 * the answer looks like a refusal.
 */
export interface GenerationStatus {
  /** The completion's id, null when the teacher call failed. */
  completionId: string | null;
  failure: { kind: GenerationFailure['kind']; message: string } | null;
  /** The teacher tokens the call used (the completion's, or those a failed call still used). */
  usage: Usage | null;
  /** The completion's answer looks like a refusal (looksLikeRefusal). */
  refusal: boolean;
}

/** The in-memory status of a generation record. */
export function generationStatus(record: GenerationRecord): GenerationStatus {
  const { completion, failure } = record;
  return {
    completionId: completion?.id ?? null,
    failure: failure ? { kind: failure.kind, message: failure.message } : null,
    usage: completion?.usage ?? failure?.usage ?? null,
    refusal: completion !== null && looksLikeRefusal(completion.answer),
  };
}

/** The stored generation record of `unit`; a missing row is a DataError naming the unit and the store. */
export function readGenerationRecord(store: RunStore, unit: { key: string; prompt: Prompt }): GenerationRecord {
  const record = store.get(generateStage, unit.key, GenerationRecord);
  // A status is kept only after its record is committed: a missing row means the store changed under the run.
  if (!record) {
    throw new DataError(`the generation record ${unit.key} of prompt ${unit.prompt.id} is missing from the run store`, {
      location: store.file,
      hint: 'another process changed the run store during this run; run again (stored work is not sent twice)',
    });
  }
  return record;
}

/** The stored completion of a generation unit (one the teacher answered); a missing one is a DataError. */
export function readCompletion(store: RunStore, unit: { key: string; prompt: Prompt }): Completion {
  const { completion } = readGenerationRecord(store, unit);
  if (!completion) {
    throw new DataError(`the generation record ${unit.key} of prompt ${unit.prompt.id} has no completion`, {
      location: store.file,
      hint: 'another process changed the run store during this run; run again (stored work is not sent twice)',
    });
  }
  return completion;
}

/** Counts a stored or new generation's events. */
export function countGenerationEvents(status: GenerationStatus, prompt: Prompt, events: RunEvents): void {
  if (status.failure && status.failure.kind !== 'cancelled') {
    events.count(`generate:${status.failure.kind}`, { categories: prompt.categories });
  }
  // From the prompt as it is now: an idealAction edited since the sample was stored counts by its new value.
  const refusedComplyPrompt = status.refusal && prompt.metadata.idealAction === 'comply';
  if (refusedComplyPrompt) events.count('generate:refused-comply-prompt', { categories: prompt.categories });
}

/** The statuses of the units already stored, by unit key. */
export function storedGenerationStatuses(
  store: RunStore,
  units: readonly GenerationUnit[],
): Map<string, GenerationStatus> {
  const statuses = new Map<string, GenerationStatus>();
  for (const unit of units) {
    const stored = store.get(generateStage, unit.key, GenerationRecord);
    if (stored) statuses.set(unit.key, generationStatus(stored));
  }
  return statuses;
}

/**
 * Runs the missing sample units; returns every unit's status (stored earlier or now), by unit key. The records
 * themselves stay in the run store (readGenerationRecord).
 */
export async function generateSamples(options: GenerateSamplesOptions): Promise<Map<string, GenerationStatus>> {
  const { spec, teacher, template, settings, store, events } = options;
  const units = options.units ?? generationUnits(options);
  const statuses = storedGenerationStatuses(store, units);
  const progress = startStageProgress(options.progress, {
    stage: 'generate',
    total: units.length,
    alreadyDone: statuses.size,
  });
  const renderSpecCached = createRenderedSpecCache();
  const specFor = (prompt: Prompt) => renderSpecCached(spec, prompt);
  if (statuses.size < units.length) await options.beforeFirstRequest?.();
  const queue = createWorkQueue(options.concurrency);
  for (const unit of units) {
    if (statuses.has(unit.key)) continue;
    queue.add(async () => {
      if (options.signal?.aborted) return;
      const record = await generateOne(unit, specFor(unit.prompt));
      if (record === undefined) return;
      await store.commit(generateStage, unit.key, record);
      if (record.completion) options.onCompletion?.(unit.key, record.completion);
      statuses.set(unit.key, generationStatus(record));
      progress.tick(1, record.completion?.usage.completionTokens ?? 0);
    });
  }
  await queue.done();
  progress.finish();
  for (const unit of units) {
    const status = statuses.get(unit.key);
    if (status) countGenerationEvents(status, unit.prompt, events);
  }
  return statuses;

  async function generateOne(unit: GenerationUnit, specText: string): Promise<GenerationRecord | undefined> {
    const seed = settings.seed + unit.sampleIndex;
    const outcome = await teacher.generate({
      messages: buildGenerationMessages({
        template,
        specText,
        messages: unit.prompt.messages,
        placement: settings.specPlacement,
      }),
      maxTokens: settings.maxTokens,
      temperature: settings.temperature,
      topP: settings.topP,
      seed,
      sampleIndex: unit.sampleIndex,
      signal: options.signal,
    });
    if (!outcome.ok && outcome.kind === 'cancelled') return undefined;
    // Transport failures (retries exhausted) are counted now and retried by the next run: never stored.
    if (!outcome.ok && outcome.kind === 'transport-failure') {
      events.count('generate:transport-failure', { categories: unit.prompt.categories });
      options.transientFailures?.set(unit.key, { kind: 'transport-failure', message: outcome.message });
      progress.tick(1, 0);
      return undefined;
    }
    const result = outcome.result;
    // Every result of the call: a larger-budget retry adds to the first reply's tokens (result.usage is the last only).
    const usage = outcome.usage ?? result?.usage;
    const completion: Completion | null =
      result === undefined
        ? null
        : {
            schemaVersion: 1,
            id: unit.key,
            promptId: unit.prompt.id,
            sampleIndex: unit.sampleIndex,
            modelId: teacher.id,
            reasoning: result.reasoning,
            answer: result.answer,
            reasoningSource: result.reasoningSource,
            finishReason: result.finishReason,
            usage: usage ?? result.usage,
            latencyMs: result.latencyMs,
            specHash: spec.hash,
            renderedCategoryIds: [...unit.prompt.categories],
            templateId: template.id,
            // Kept so samples.jsonl shows why validation rejected it (malformed-reasoning).
            ...(result.warnings.length > 0 ? { warnings: [...result.warnings] } : {}),
          };
    const refusedComplyPrompt =
      outcome.ok && unit.prompt.metadata.idealAction === 'comply' && looksLikeRefusal(outcome.result.answer);
    return {
      schemaVersion: 1,
      promptId: unit.prompt.id,
      sampleIndex: unit.sampleIndex,
      seed,
      completion: outcome.ok ? completion : null,
      failure: outcome.ok
        ? null
        : {
            kind: outcome.kind,
            message: outcome.message,
            ...(outcome.result && usage ? { usage } : {}),
          },
      refusedComplyPrompt,
      templateHash: template.hash,
    };
  }
}
