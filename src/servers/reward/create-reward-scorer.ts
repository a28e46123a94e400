/**
 * @module servers/reward/create-reward-scorer
 * The reward's judge and classifier, bound to the spec and the `reward:` settings: grades an answer alone (the
 * reasoning is never sent, `sawReasoning: false`), k runs with the minimum, spec(category) rendered once per
 * category set; labels an unlabelled conversation with the classifier role.
 */
import { CancelledError } from '../../errors.js';
import { createClassifierGrader } from '../../grading/classify-conversation.js';
import { createGraderClient, GraderUnavailableError } from '../../grading/create-grader-client.js';
import { createJudge, type JudgeTemplate } from '../../grading/judge-completion.js';
import type { ModelClient } from '../../models/model-client.js';
import type { RewardSettings } from '../../records/reward-settings.js';
import type { Spec } from '../../records/spec.js';
import { createRewardMapper } from './map-reward.js';
import type { ClassifyConversation, GradeAnswer, RewardScorer } from './score-reward-items.js';
import { createVerdictCache } from './verdict-cache.js';

export interface CreateRewardScorerOptions {
  spec: Spec;
  judge: ModelClient;
  classifier?: ModelClient;
  settings: RewardSettings;
  judgeMaxTokens?: number;
  judgeTemplate?: JudgeTemplate;
}

/** Grades through the grader client (the one way to call a grader): an outage is thrown, never an unscored row. */
function createGradeAnswer(options: CreateRewardScorerOptions): GradeAnswer {
  const client = createGraderClient(
    createJudge({
      judge: options.judge,
      spec: options.spec,
      maxTokens: options.judgeMaxTokens,
      template: options.judgeTemplate,
    }),
    { role: 'judge', modelId: options.judge.id },
  );
  return async ({ prompt, answer, signal }) => {
    try {
      const result = await client.grade(
        {
          prompt,
          completion: { id: prompt.id, reasoning: null, answer },
          sawReasoning: false,
          runs: options.settings.runs,
        },
        { signal, location: `reward item ${prompt.id}` },
      );
      const failed = result.judgements.find((judgement) => judgement.score === null);
      return {
        score: result.score,
        scores: result.scores,
        verdict: result.verdict,
        unscoredReason: result.unscoredReason,
        message: failed ? failed.rationale.slice(0, 300) : undefined,
        action: result.action,
        expectedAction: result.expectedAction,
        ruleIds: result.ruleIds,
      };
    } catch (error) {
      if (error instanceof GraderUnavailableError || error instanceof CancelledError) {
        const kind = error instanceof GraderUnavailableError ? error.kind : 'cancelled';
        return {
          score: null,
          scores: null,
          verdict: 'unscored',
          action: null,
          expectedAction: null,
          ruleIds: [],
          judgeUnavailable: { kind, message: error.message },
        };
      }
      throw error;
    }
  };
}

/** Labels through the grader client too: an outage is `unavailable` (the reward answers 503), never summary-only. */
function createClassify(spec: Spec, classifier: ModelClient): ClassifyConversation {
  const client = createGraderClient(createClassifierGrader({ classifier, spec }), {
    role: 'classifier',
    modelId: classifier.id,
  });
  return async (prompt, signal) => {
    try {
      const result = await client.grade(
        { itemId: prompt.id, messages: prompt.messages },
        { signal, location: `reward item ${prompt.id}` },
      );
      if (result.unscoredReason === undefined) return { ok: true, categories: result.categories };
      return { ok: false, unavailable: false, message: result.failure ?? result.unscoredReason };
    } catch (error) {
      if (error instanceof GraderUnavailableError) return { ok: false, unavailable: true, message: error.message };
      if (error instanceof CancelledError)
        return { ok: false, unavailable: true, message: `cancelled: ${error.message}` };
      throw error;
    }
  };
}

/** The scorer `createRewardApp` serves (its counters are added by the app). */
export function createRewardScorer(options: CreateRewardScorerOptions): Omit<RewardScorer, 'counters'> {
  return {
    spec: options.spec,
    runs: options.settings.runs,
    gradeAnswer: createGradeAnswer(options),
    classify: options.classifier ? createClassify(options.spec, options.classifier) : undefined,
    mapReward: createRewardMapper(options.spec, options.settings),
    cache: createVerdictCache(options.settings.cacheEntries),
  };
}
