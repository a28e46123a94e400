/**
 * @module pipeline/categorise-prompts
 * Prompts without categories get them from the `classifier` role: multi-label over the spec's category ids,
 * through structured output; an id the spec does not have fails the schema; an empty list is allowed (the prompt
 * then gets the summary-only spec). Results are stored per prompt, so a resumed run asks only for the rest.
 */
import { CancelledError } from '../errors.js';
import {
  type Classification,
  type ClassifyInput,
  classifierMessages as classifierMessagesOf,
  createClassifierGrader,
} from '../grading/classify-conversation.js';
import { createGraderClient, type GraderClient, GraderUnavailableError } from '../grading/create-grader-client.js';
import type { RunStore } from '../io/run-store.js';
import { stableHash } from '../io/stable-hash.js';
import { createWorkQueue } from '../io/work-queue.js';
import type { ModelClient } from '../models/model-client.js';
import type { Prompt } from '../records/prompt.js';
import { CategoryRecord } from '../records/sample.js';
import type { Spec } from '../records/spec.js';
import type { RunEvents } from './run-events.js';
import { type ProgressSink, startStageProgress } from './stage-progress.js';
import { unknownCategoriesError } from './unknown-categories.js';

export const categoriseStage = 'categorise';

/** The classifier's messages for a prompt (see grading/classify-conversation). */
export function classifierMessages(spec: Spec, prompt: Prompt) {
  return classifierMessagesOf(spec, prompt.messages);
}

/**
 * Prompts naming categories the spec does not define: a DataError listing them (with the spec's ids), or, with
 * `skipInvalid`, dropped and counted as `intake:unknown-category`.
 */
export function checkPromptCategories(
  prompts: Prompt[],
  spec: Spec,
  options: { skipInvalid?: boolean; events?: RunEvents; locations?: ReadonlyMap<string, string> },
): Prompt[] {
  const known = new Set(spec.categories.map((category) => category.id));
  const bad = prompts.filter((prompt) => prompt.categories.some((id) => !known.has(id)));
  if (bad.length === 0) return prompts;
  if (!options.skipInvalid) {
    throw unknownCategoriesError(bad.slice(0, 5), bad.length, spec, options.locations?.get(bad[0]!.id));
  }
  options.events?.count('intake:unknown-category', { amount: bad.length });
  const badIds = new Set(bad.map((prompt) => prompt.id));
  return prompts.filter((prompt) => !badIds.has(prompt.id));
}

export interface CategorisePromptsOptions {
  prompts: Prompt[];
  spec: Spec;
  classifier: ModelClient | undefined;
  store: RunStore;
  events: RunEvents;
  concurrency: number;
  signal?: AbortSignal;
  progress?: ProgressSink;
  /** Awaited once before the stage's first request (the role preflight); not called when every unit is stored. */
  beforeFirstRequest?: () => Promise<void>;
}

/**
 * Returns the prompts with categories filled in where the classifier gave them. Prompts that keep no categories
 * (no classifier, an answer the classifier grader left unscored, e.g. off the schema, or an empty list) are counted
 * as `categorise:summary-only`. The classifier is called through the grader client only. A prompt whose call was an
 * outage (GraderUnavailableError: retries exhausted) is left out of this run and counted as `categorise:deferred`
 * (generating it summary-only now would make different samples than the next run, which will classify it); when
 * every call of this run was an outage, the stage stops the run with GraderUnavailableError naming the role (so does
 * the classifier role's streak breaker in the pipeline, sooner).
 */
export async function categorisePrompts(options: CategorisePromptsOptions): Promise<Prompt[]> {
  const { classifier, events } = options;
  const unlabelled = options.prompts.filter((prompt) => prompt.categories.length === 0);
  const labels = new Map<string, string[]>();
  const deferred = new Set<string>();
  if (classifier && unlabelled.length > 0) await classifyPrompts(options, classifier, unlabelled, labels, deferred);
  if (deferred.size > 0) events.count('categorise:deferred', { amount: deferred.size });
  return options.prompts.flatMap((prompt) => {
    if (prompt.categories.length > 0) return [prompt];
    if (deferred.has(prompt.id)) return [];
    const categories = labels.get(prompt.id) ?? [];
    if (categories.length === 0) events.count('categorise:summary-only');
    return categories.length === 0
      ? [prompt]
      : [{ ...prompt, categories, metadata: { ...prompt.metadata, categorySource: 'classifier' } }];
  });
}

/** The classifier stage proper: stored labels reused, the rest asked for; fills `labels` and `deferred`. */
async function classifyPrompts(
  options: CategorisePromptsOptions,
  classifier: ModelClient,
  unlabelled: Prompt[],
  labels: Map<string, string[]>,
  deferred: Set<string>,
): Promise<void> {
  const { spec, store, events } = options;
  const keyOf = (prompt: Prompt) =>
    // The category list the classifier reads, not the whole-spec hash: a rule edit needs no re-labelling.
    stableHash({ messages: classifierMessages(spec, prompt), classifier: classifier.model.cacheIdentity });
  const stored = unlabelled.filter((prompt) => store.get(categoriseStage, keyOf(prompt), CategoryRecord));
  const progress = startStageProgress(options.progress, {
    stage: 'categorise',
    total: unlabelled.length,
    alreadyDone: stored.length,
  });
  if (stored.length < unlabelled.length) await options.beforeFirstRequest?.();
  const classify = createGraderClient(createClassifierGrader({ classifier, spec }), {
    role: 'classifier',
    modelId: classifier.id,
    signal: options.signal,
    locate: (input) => `prompt ${input.itemId}`,
  });
  const record = (value: CategoryRecord) => {
    if (value.failure !== null) events.count('categorise:classifier-failure');
    labels.set(value.promptId, value.categories);
  };
  const outages: GraderUnavailableError[] = [];
  const queue = createWorkQueue(options.concurrency);
  for (const prompt of unlabelled) {
    const key = keyOf(prompt);
    const existing = store.get(categoriseStage, key, CategoryRecord);
    if (existing) {
      record(existing);
      continue;
    }
    queue.add(async () => {
      if (options.signal?.aborted) return;
      const classification = await classifyOrDefer(classify, prompt);
      if (classification === 'deferred' || classification instanceof GraderUnavailableError) {
        deferred.add(prompt.id);
        if (classification === 'deferred') return;
        outages.push(classification);
        events.count('categorise:classifier-failure');
        progress.tick(1, 0);
        return;
      }
      // Graded or unscored: the classifier's answer, stored.
      const { categories, failure } = classification;
      const value: CategoryRecord = { promptId: prompt.id, categories, failure };
      store.put(categoriseStage, key, value);
      record(value);
      progress.tick(1, failure === null && !classification.cached ? (classification.usage?.completionTokens ?? 0) : 0);
    });
  }
  await queue.done();
  progress.finish();
  const answered = classify.stats().graded + classify.stats().unscored;
  if (outages.length > 0 && answered === 0 && !options.signal?.aborted) throw everyCallFailed(outages, classify);
}

/**
 * One prompt through the classifier's grader client: its classification; the GraderUnavailableError of an outage;
 * `deferred` when the call was cancelled (Ctrl-C, or deferred to a batch file). The prompt waits for its label unless
 * classified.
 */
async function classifyOrDefer(
  classify: GraderClient<ClassifyInput, Classification>,
  prompt: Prompt,
): Promise<Classification | GraderUnavailableError | 'deferred'> {
  try {
    return await classify.grade({ itemId: prompt.id, messages: prompt.messages });
  } catch (error) {
    if (error instanceof GraderUnavailableError) return error;
    if (error instanceof CancelledError) return 'deferred';
    throw error;
  }
}

/** Every classifier call of this run was an outage: the role is down, and the run stops naming it. */
function everyCallFailed(
  outages: GraderUnavailableError[],
  classify: GraderClient<ClassifyInput, Classification>,
): GraderUnavailableError {
  const first = outages[0]!;
  return new GraderUnavailableError({
    role: 'classifier',
    graderId: classify.graderId,
    modelId: classify.modelId,
    kind: first.kind,
    message: `all ${outages.length} calls of this run failed; first (${first.location}): ${first.detail}`,
    location: 'models.classifier',
  });
}
