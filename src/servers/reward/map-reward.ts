/**
 * @module servers/reward/map-reward
 * The judge's verdict on a final answer → one RL reward in [0, 1]: the normalised judge score, minus the configured
 * penalties for a wrong action, a style violation, rule ids quoted to the user, and spec text leaked into the answer.
 */
import type { JudgementScores } from '../../records/judgement.js';
import type { RewardSettings } from '../../records/reward-settings.js';
import type { Spec } from '../../records/spec.js';
import { createSpecTextGuard, specTexts } from '../../spec/spec-text-guard.js';

export type PenaltyName = keyof RewardSettings['penalties'];

/** What the mapping reads from a scored verdict. */
export interface ScoredVerdict {
  score: number;
  scores: JudgementScores | null;
  action: string | null;
  expectedAction: string | null;
}

export interface MappedReward {
  reward: number;
  /** Each penalty applied, with its amount. */
  penalties: Partial<Record<PenaltyName, number>>;
}

export type RewardMapper = (verdict: ScoredVerdict, answer: string) => MappedReward;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Builds the mapper once per spec: the rule-id pattern and the spec-text guard are compiled here. */
export function createRewardMapper(spec: Spec, settings: Pick<RewardSettings, 'penalties' | 'styleViolationBelow'>) {
  const ruleIds = spec.categories.flatMap((category) => category.rules.map((rule) => rule.id));
  const ruleIdPattern =
    ruleIds.length === 0 ? null : new RegExp(`(?<![\\w.])(?:${ruleIds.map(escapeRegExp).join('|')})(?![\\w])`);
  const guard = createSpecTextGuard(specTexts(spec));
  const mapper: RewardMapper = (verdict, answer) => {
    const penalties: MappedReward['penalties'] = {};
    const wrongAction =
      verdict.action !== null && verdict.expectedAction !== null && verdict.action !== verdict.expectedAction;
    if (wrongAction) penalties.wrongAction = settings.penalties.wrongAction;
    if (verdict.scores && verdict.scores.style < settings.styleViolationBelow) {
      penalties.styleViolation = settings.penalties.styleViolation;
    }
    if (ruleIdPattern?.test(answer)) penalties.ruleIdsInAnswer = settings.penalties.ruleIdsInAnswer;
    if (guard.find(answer) !== undefined) penalties.specLeak = settings.penalties.specLeak;
    const total = Object.values(penalties).reduce((sum, amount) => sum + amount, 0);
    const reward = Math.min(1, Math.max(0, verdict.score - total));
    return { reward: Math.round(reward * 1e6) / 1e6, penalties };
  };
  return mapper;
}
