/**
 * @module pipeline/select-samples
 * The select stage, a pure function: a threshold on the min-aggregated judge score, best-of-N per prompt (highest
 * score first, ties to the lower sample index), optional STAR-1 balancing, and accept rates per category and action.
 */
import type { RunStore } from '../io/run-store.js';
import type { Completion } from '../records/completion.js';
import type { SelectSettings } from '../records/pipeline-settings.js';
import type { Spec } from '../records/spec.js';
import type { TrainingExample } from '../records/training-example.js';
import {
  type JudgeResult,
  judgementIdsOf,
  readValidatedCompletion,
  type ValidatedCompletion,
} from './judge-samples.js';
import type { RunEvents } from './run-events.js';

export interface AcceptRate {
  completions: number;
  accepted: number;
  rate: number;
}

export interface Selection {
  examples: TrainingExample[];
  /** Per category (a multi-label prompt counts in each; `(none)` for none), judged action (`(unjudged)`) and source. */
  acceptRates: {
    byCategory: Record<string, AcceptRate>;
    byAction: Record<string, AcceptRate>;
    bySource: Record<string, AcceptRate>;
  };
  /** Completion id → why it was not accepted (validation code, unscored reason, below-threshold, not-best-of-n…). */
  rejections: Map<string, string>;
}

interface Candidate {
  entry: ValidatedCompletion;
  judge: JudgeResult;
  score: number;
}

/** STAR-1 balancing: repeatedly drop the item with the largest P(source) × Σ P(category) [× P(action)]. */
function balance(
  candidates: Candidate[],
  targetSize: number,
  by: ReadonlyArray<'category' | 'source' | 'action'>,
): {
  kept: Candidate[];
  dropped: Candidate[];
} {
  const kept = [...candidates];
  const dropped: Candidate[] = [];
  const sourceOf = (candidate: Candidate) => String(candidate.entry.prompt.metadata.source ?? '(none)');
  const categoriesOf = (candidate: Candidate) =>
    candidate.entry.prompt.categories.length === 0 ? ['(none)'] : candidate.entry.prompt.categories;
  const actionOf = (candidate: Candidate) => candidate.judge.action ?? '(none)';
  while (kept.length > targetSize) {
    const sources = new Map<string, number>();
    const categories = new Map<string, number>();
    const actions = new Map<string, number>();
    for (const candidate of kept) {
      sources.set(sourceOf(candidate), (sources.get(sourceOf(candidate)) ?? 0) + 1);
      for (const category of categoriesOf(candidate)) categories.set(category, (categories.get(category) ?? 0) + 1);
      actions.set(actionOf(candidate), (actions.get(actionOf(candidate)) ?? 0) + 1);
    }
    const total = kept.length;
    let worst = -1;
    let worstWeight = Number.NEGATIVE_INFINITY;
    kept.forEach((candidate, index) => {
      let weight = 1;
      if (by.includes('source')) weight *= (sources.get(sourceOf(candidate)) ?? 0) / total;
      if (by.includes('category'))
        weight *= categoriesOf(candidate).reduce((sum, category) => sum + (categories.get(category) ?? 0) / total, 0);
      if (by.includes('action')) weight *= (actions.get(actionOf(candidate)) ?? 0) / total;
      // Ties: drop the lower score, then the later item (deterministic).
      const current = kept[worst];
      if (
        weight > worstWeight + 1e-12 ||
        (Math.abs(weight - worstWeight) <= 1e-12 && current !== undefined && candidate.score <= current.score)
      ) {
        worst = index;
        worstWeight = weight;
      }
    });
    dropped.push(...kept.splice(worst, 1));
  }
  return { kept, dropped };
}

/** Selects the training examples from validated completions and their judge results. */
export function selectSamples(options: {
  validated: ValidatedCompletion[];
  judged: ReadonlyMap<string, JudgeResult>;
  settings: SelectSettings;
  spec: Spec;
  events?: RunEvents;
  /** Where the completions' texts are read back from, when `validated` holds only their ids (a run's). */
  store?: RunStore;
}): Selection {
  const { settings, events } = options;
  const rejections = new Map<string, string>();
  const byPrompt = new Map<string, Candidate[]>();
  const promptOrder: string[] = [];
  for (const entry of options.validated) {
    if (!byPrompt.has(entry.prompt.id)) {
      byPrompt.set(entry.prompt.id, []);
      promptOrder.push(entry.prompt.id);
    }
    if (entry.findings.length > 0) {
      rejections.set(entry.completion.id, `validate:${entry.findings[0]!.code}`);
      continue;
    }
    const judge = options.judged.get(entry.completion.id);
    if (!judge) {
      rejections.set(entry.completion.id, 'judge:missing');
      continue;
    }
    if (judge.score === null) {
      rejections.set(entry.completion.id, `judge:unscored:${judge.unscoredReason ?? 'judge-error'}`);
      continue;
    }
    if (judge.score < settings.threshold) {
      rejections.set(entry.completion.id, 'judge:below-threshold');
      continue;
    }
    byPrompt.get(entry.prompt.id)!.push({ entry, judge, score: judge.score });
  }
  let chosen: Candidate[] = [];
  for (const promptId of promptOrder) {
    const candidates = byPrompt
      .get(promptId)!
      .sort((a, b) => b.score - a.score || a.entry.completion.sampleIndex - b.entry.completion.sampleIndex);
    chosen.push(...candidates.slice(0, settings.bestOf));
    for (const candidate of candidates.slice(settings.bestOf)) {
      rejections.set(candidate.entry.completion.id, 'select:not-best-of-n');
      events?.count('select:not-best-of-n', { categories: candidate.entry.prompt.categories });
    }
  }
  if (settings.balance && chosen.length > settings.balance.targetSize) {
    const { kept, dropped } = balance(chosen, settings.balance.targetSize, settings.balance.by);
    const keptIds = new Set(kept.map((candidate) => candidate.entry.completion.id));
    chosen = chosen.filter((candidate) => keptIds.has(candidate.entry.completion.id));
    for (const candidate of dropped) {
      rejections.set(candidate.entry.completion.id, 'select:balanced-out');
      events?.count('select:balanced-out', { categories: candidate.entry.prompt.categories });
    }
  }
  const examples = chosen.map((candidate) =>
    toTrainingExample(candidate, readValidatedCompletion(candidate.entry, options.store), options.spec),
  );
  return { examples, acceptRates: acceptRates(options.validated, options.judged, rejections), rejections };
}

function toTrainingExample({ entry, judge, score }: Candidate, completion: Completion, spec: Spec): TrainingExample {
  const { prompt } = entry;
  return {
    schemaVersion: 1,
    id: `ex-${completion.id}`,
    promptId: prompt.id,
    completionId: completion.id,
    messages: prompt.messages,
    reasoning: completion.reasoning ?? '',
    answer: completion.answer,
    categories: prompt.categories,
    metadata: prompt.metadata,
    score,
    specHash: spec.hash,
    specVersion: spec.version,
    templateId: completion.templateId ?? 'unknown',
    teacherModelId: completion.modelId,
    judgementIds: judgementIdsOf(judge),
  };
}

function acceptRates(
  validated: ValidatedCompletion[],
  judged: ReadonlyMap<string, JudgeResult>,
  rejections: Map<string, string>,
): Selection['acceptRates'] {
  const byCategory = new Map<string, AcceptRate>();
  const byAction = new Map<string, AcceptRate>();
  const bySource = new Map<string, AcceptRate>();
  const bump = (table: Map<string, AcceptRate>, key: string, accepted: boolean) => {
    const rate = table.get(key) ?? { completions: 0, accepted: 0, rate: 0 };
    rate.completions += 1;
    if (accepted) rate.accepted += 1;
    rate.rate = Math.round((rate.accepted / rate.completions) * 1000) / 1000;
    table.set(key, rate);
  };
  for (const entry of validated) {
    const accepted = !rejections.has(entry.completion.id);
    const categories = entry.prompt.categories.length === 0 ? ['(none)'] : entry.prompt.categories;
    for (const category of categories) bump(byCategory, category, accepted);
    bump(byAction, judged.get(entry.completion.id)?.action ?? '(unjudged)', accepted);
    bump(bySource, String(entry.prompt.metadata.source ?? '(none)'), accepted);
  }
  const sorted = (table: Map<string, AcceptRate>) =>
    Object.fromEntries([...table.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return { byCategory: sorted(byCategory), byAction: sorted(byAction), bySource: sorted(bySource) };
}
