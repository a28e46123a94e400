/**
 * @module servers/reward/score-reward-items
 * One request's items → one detail each, in input order: the final answer is extracted (reasoning never reaches the
 * judge), the categories come from the row's label or metadata, else the classifier role, else the summary-only
 * spec; the verdict comes from the cache or the grader (k runs, min); the mapping turns it into a reward.
 * An item that cannot be graded gets `reward: null` and a typed reason. A judge or classifier that cannot be
 * reached, or a deadline that passes, is not an item's fault: it throws RewardUnavailableError (the server says 503).
 */
import { DeliberateError } from '../../errors.js';
import { stableHash } from '../../io/stable-hash.js';
import type { JudgementScores } from '../../records/judgement.js';
import type { Prompt } from '../../records/prompt.js';
import type { Spec } from '../../records/spec.js';
import { extractFinalAnswer, type ReasoningForm } from './extract-final-answer.js';
import type { PenaltyName, RewardMapper } from './map-reward.js';
import type { RewardItem } from './reward-request.js';
import type { VerdictCache } from './verdict-cache.js';

/** What the grader returns for one answer (the judge's k runs aggregated with min). */
export interface RewardGrade {
  score: number | null;
  scores: JudgementScores | null;
  verdict: string;
  unscoredReason?: string;
  /** A human-readable reason when unscored. */
  message?: string;
  action: string | null;
  expectedAction: string | null;
  ruleIds: string[];
  /** Set when the judge could not be reached or the call was cancelled: an outage, not a verdict. */
  judgeUnavailable?: { kind: string; message: string };
}

/** Grades an answer alone against spec(prompt.categories); the reasoning is never passed. */
export type GradeAnswer = (input: { prompt: Prompt; answer: string; signal: AbortSignal }) => Promise<RewardGrade>;

export type ClassifyResult = { ok: true; categories: string[] } | { ok: false; unavailable: boolean; message: string };
export type ClassifyConversation = (prompt: Prompt, signal: AbortSignal) => Promise<ClassifyResult>;

export type CategorySource = 'label' | 'classifier' | 'summary-only';

export interface RewardDetail {
  /** null: could not grade (see `unscoredReason`); never a silent 0. */
  reward: number | null;
  score: number | null;
  penalties: Partial<Record<PenaltyName, number>>;
  verdict: string;
  action: string | null;
  expectedAction: string | null;
  ruleIds: string[];
  categories: string[];
  categorySource: CategorySource;
  reasoningForm: ReasoningForm | null;
  cached: boolean;
  unscoredReason?: string;
  message?: string;
}

export class RewardUnavailableError extends DeliberateError {
  constructor(
    message: string,
    readonly reason: 'judge-unavailable' | 'classifier-unavailable' | 'deadline',
  ) {
    super(message, { hint: 'check the judge role (deliberate models check) and retry; no reward was made up' });
    this.name = 'RewardUnavailableError';
  }
}

/** Counters the scorer reports to (the server's Prometheus metrics). */
export interface RewardCounters {
  judgeCall(): void;
  cacheHit(): void;
  unscored(reason: string): void;
}

export interface RewardScorer {
  spec: Spec;
  runs: number;
  gradeAnswer: GradeAnswer;
  classify?: ClassifyConversation;
  mapReward: RewardMapper;
  cache: VerdictCache<RewardGrade>;
  counters: RewardCounters;
}

function unscoredDetail(
  reason: string,
  message: string,
  context: { categories: string[]; categorySource: CategorySource; reasoningForm: ReasoningForm | null },
): RewardDetail {
  return {
    reward: null,
    score: null,
    penalties: {},
    verdict: 'unscored',
    action: null,
    expectedAction: null,
    ruleIds: [],
    cached: false,
    unscoredReason: reason,
    message,
    ...context,
  };
}

async function resolveCategories(
  item: RewardItem,
  prompt: Prompt,
  scorer: RewardScorer,
  signal: AbortSignal,
): Promise<{ categories: string[]; categorySource: CategorySource }> {
  if (item.categories !== undefined && item.categories.length > 0) {
    return { categories: item.categories, categorySource: 'label' };
  }
  if (!scorer.classify) return { categories: [], categorySource: 'summary-only' };
  const result = await scorer.classify(prompt, signal);
  if (result.ok) {
    return result.categories.length > 0
      ? { categories: result.categories, categorySource: 'classifier' }
      : { categories: [], categorySource: 'summary-only' };
  }
  if (result.unavailable) throw new RewardUnavailableError(`classifier: ${result.message}`, 'classifier-unavailable');
  return { categories: [], categorySource: 'summary-only' };
}

async function scoreItem(item: RewardItem, scorer: RewardScorer, signal: AbortSignal): Promise<RewardDetail> {
  const none = { categories: item.categories ?? [], categorySource: 'label' as const, reasoningForm: null };
  if (item.problem) return unscoredDetail(item.problem.reason, item.problem.message, none);
  const extracted = extractFinalAnswer(item.completionText, {
    reasoningField: item.reasoningField,
    prefilledThink: item.prefilledThink,
  });
  const prompt: Prompt = {
    schemaVersion: 1,
    id: `reward-${stableHash(item.conversation).slice(0, 12)}`,
    messages: item.conversation,
    categories: [],
    metadata: item.metadata,
  };
  if (!extracted.ok) {
    return unscoredDetail(extracted.reason, extracted.message, { ...none, reasoningForm: extracted.reasoningForm });
  }
  const { categories, categorySource } = await resolveCategories(item, prompt, scorer, signal);
  const context = { categories, categorySource, reasoningForm: extracted.reasoningForm };
  const known = new Set(scorer.spec.categories.map((category) => category.id));
  const unknown = categories.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    return unscoredDetail(
      'unknown-category',
      `categories the spec does not define: ${unknown.join(', ')} (the spec has ${[...known].join(', ')})`,
      context,
    );
  }
  const key = {
    conversation: item.conversation,
    answer: extracted.answer,
    categories,
    specHash: scorer.spec.hash,
    runs: scorer.runs,
  };
  const cachedGrade = scorer.cache.get(key);
  if (cachedGrade) scorer.counters.cacheHit();
  else scorer.counters.judgeCall();
  const grade =
    cachedGrade ?? (await scorer.gradeAnswer({ prompt: { ...prompt, categories }, answer: extracted.answer, signal }));
  if (grade.judgeUnavailable) {
    throw signal.aborted
      ? new RewardUnavailableError('the request deadline passed before the judge answered', 'deadline')
      : new RewardUnavailableError(`judge: ${grade.judgeUnavailable.message}`, 'judge-unavailable');
  }
  if (grade.score === null) {
    return unscoredDetail(grade.unscoredReason ?? 'judge-error', grade.message ?? 'the judge gave no score', context);
  }
  if (!cachedGrade) scorer.cache.set(key, grade);
  const mapped = scorer.mapReward({ ...grade, score: grade.score }, extracted.answer);
  return {
    reward: mapped.reward,
    score: grade.score,
    penalties: mapped.penalties,
    verdict: grade.verdict,
    action: grade.action,
    expectedAction: grade.expectedAction,
    ruleIds: grade.ruleIds,
    cached: cachedGrade !== undefined,
    ...context,
  };
}

/** Scores every item of one request concurrently; details come back in input order. */
export async function scoreRewardItems(
  items: readonly RewardItem[],
  scorer: RewardScorer,
  signal: AbortSignal,
): Promise<RewardDetail[]> {
  const details = await Promise.all(items.map((item) => scoreItem(item, scorer, signal)));
  for (const detail of details) if (detail.unscoredReason) scorer.counters.unscored(detail.unscoredReason);
  return details;
}
