/**
 * @module servers/reward/create-reward-scorer
 * The reward's judge and classifier, bound to the spec and the `reward:` settings: grades an answer alone (the
 * reasoning is never sent, `sawReasoning: false`), k runs with the minimum, spec(category) rendered once per
 * category set; labels an unlabelled conversation with the classifier role.
 */
import { CancelledError } from '../../errors.js';
import { classifyConversation } from '../../grading/classify-conversation.js';
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

function createClassify(spec: Spec, classifier: ModelClient): ClassifyConversation {
  return async (prompt, signal) => {
    const outcome = await classifyConversation(classifier, spec, prompt.messages, signal);
    if (outcome.ok) return { ok: true, categories: outcome.object.categories };
    const unavailable = outcome.kind === 'transport-failure' || outcome.kind === 'cancelled';
    return { ok: false, unavailable, message: `${outcome.kind}: ${outcome.message}` };
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
