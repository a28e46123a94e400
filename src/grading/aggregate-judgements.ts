/**
 * @module grading/aggregate-judgements
 * k runs → one result, with the minimum (paper §2.3.2: "any single run may overlook an issue"). The worst run
 * decides the verdict and actions; each criterion takes its own minimum; one unscored run makes the whole result
 * unscored (a judge failure is never averaged away).
 */
import type { Action } from '../records/action.js';
import type { Judgement, JudgementScores } from '../records/judgement.js';
import type { UnscoredReason } from '../records/unscored-reason.js';

export interface AggregatedJudgements {
  /** Min over runs of the aggregate score; null when any run is unscored or fewer than k runs were made without early exit. */
  score: number | null;
  /** Per-criterion min over the scored runs; null when `score` is null. */
  scores: JudgementScores | null;
  /** The worst run's verdict; 'unscored' when any run is unscored. */
  verdict: Judgement['verdict'];
  unscoredReason?: UnscoredReason;
  /** The worst run's actions. */
  expectedAction: Action | null;
  action: Action | null;
  /** Every rule id cited by any run, in first-cited order. */
  ruleIds: string[];
  /** The worst run's Agree/Disagree with the hint; null without a hint. */
  agreeWithHint: boolean | null;
}

function minimum(values: number[]): number {
  return values.reduce((lowest, value) => Math.min(lowest, value), Number.POSITIVE_INFINITY);
}

/** Aggregates the runs actually made; `requestedRuns` is k and `earlyExit` says the loop stopped on purpose. */
export function aggregateJudgements(
  judgements: Judgement[],
  options: { requestedRuns: number; earlyExit: boolean },
): AggregatedJudgements {
  const ruleIds = [...new Set(judgements.flatMap((judgement) => judgement.ruleIds))];
  const unscored = judgements.find((judgement) => judgement.verdict === 'unscored' || judgement.score === null);
  if (judgements.length === 0 || unscored) {
    return {
      score: null,
      scores: null,
      verdict: 'unscored',
      unscoredReason: unscored?.unscoredReason ?? 'judge-error',
      expectedAction: unscored?.expectedAction ?? null,
      action: unscored?.action ?? null,
      ruleIds,
      agreeWithHint: null,
    };
  }
  if (judgements.length < options.requestedRuns && !options.earlyExit) {
    return {
      score: null,
      scores: null,
      verdict: 'unscored',
      unscoredReason: 'judge-error',
      expectedAction: null,
      action: null,
      ruleIds,
      agreeWithHint: null,
    };
  }
  let worst = judgements[0]!;
  for (const judgement of judgements) if (judgement.score! < worst.score!) worst = judgement;
  const allScores = judgements.map((judgement) => judgement.scores!);
  const reasoning = allScores.flatMap((scores) => (scores.reasoning === null ? [] : [scores.reasoning]));
  return {
    score: worst.score,
    scores: {
      compliance: minimum(allScores.map((scores) => scores.compliance)),
      action: minimum(allScores.map((scores) => scores.action)),
      style: minimum(allScores.map((scores) => scores.style)),
      helpfulness: minimum(allScores.map((scores) => scores.helpfulness)),
      reasoning: reasoning.length > 0 ? minimum(reasoning) : null,
    },
    verdict: worst.verdict,
    expectedAction: worst.expectedAction,
    action: worst.action,
    ruleIds,
    agreeWithHint: worst.agreeWithHint,
  };
}
