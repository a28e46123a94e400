/**
 * @module pipeline/categorise-prompts
 * Prompts without categories get them from the `classifier` role: multi-label over the spec's category ids,
 * through structured output; an id the spec does not have fails the schema; an empty list is allowed (the prompt
 * then gets the summary-only spec). Results are stored per prompt, so a resumed run asks only for the rest.
 */
import { DataError } from '../errors.js';
import { classifierMessages as classifierMessagesOf, classifyConversation } from '../grading/classify-conversation.js';
import type { RunStore } from '../io/run-store.js';
import { stableHash } from '../io/stable-hash.js';
import { createWorkQueue } from '../io/work-queue.js';
import type { ModelClient } from '../models/model-client.js';
import type { Prompt } from '../records/prompt.js';
import { CategoryRecord } from '../records/sample.js';
import type { Spec } from '../records/spec.js';
import type { RunEvents } from './run-events.js';
import { type ProgressSink, startStageProgress } from './stage-progress.js';

export const categoriseStage = 'categorise';

/** The classifier's messages for a prompt (see judge/classify-conversation). */
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
    const listed = bad
      .slice(0, 5)
      .map((prompt) => `${prompt.id} (${prompt.categories.filter((id) => !known.has(id)).join(', ')})`);
    throw new DataError(
      `${bad.length} prompt${bad.length === 1 ? ' names' : 's name'} categories the spec does not define: ${listed.join('; ')}${bad.length > 5 ? '; …' : ''}`,
      {
        location: options.locations?.get(bad[0]!.id) ?? `prompt ${bad[0]!.id}`,
        hint: `use the spec's category ids (${[...known].join(', ')}), leave categories empty, or pass --skip-invalid`,
      },
    );
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
 * (no classifier, a classifier answer that failed the schema, or an empty list) are counted as
 * `categorise:summary-only`. A prompt whose classifier call failed in transport (retries exhausted) is left out of
 * this run and counted as `categorise:deferred`: generating it summary-only now would make different samples than
 * the next run, which will classify it.
 */
export async function categorisePrompts(options: CategorisePromptsOptions): Promise<Prompt[]> {
  const { spec, classifier, store, events } = options;
  const unlabelled = options.prompts.filter((prompt) => prompt.categories.length === 0);
  const labels = new Map<string, string[]>();
  const deferred = new Set<string>();
  if (classifier && unlabelled.length > 0) {
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
        const outcome = await classifyConversation(classifier, spec, prompt.messages, options.signal);
        // Ctrl-C, or a call deferred to a batch file: the prompt waits for its label, like a transport failure.
        if (!outcome.ok && outcome.kind === 'cancelled') {
          deferred.add(prompt.id);
          return;
        }
        const value: CategoryRecord = outcome.ok
          ? { promptId: prompt.id, categories: outcome.object.categories, failure: null }
          : { promptId: prompt.id, categories: [], failure: `${outcome.kind}: ${outcome.message}` };
        // A transport failure is retried on the next run; anything else is the classifier's answer.
        if (outcome.ok || outcome.kind !== 'transport-failure') store.put(categoriseStage, key, value);
        else deferred.add(prompt.id);
        record(value);
        progress.tick(1, outcome.ok && !outcome.cached ? (outcome.usage ?? outcome.result.usage).completionTokens : 0);
      });
    }
    await queue.done();
    progress.finish();
    function record(value: CategoryRecord) {
      if (value.failure !== null) events.count('categorise:classifier-failure');
      labels.set(value.promptId, value.categories);
    }
  }
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
