/**
 * @module grading/judge-grader
 * The spec-aware judge as an eval grader: the answer alone is judged (the target's reasoning is never sent,
 * `sawReasoning: false`), k runs aggregated with min. Grade.label = the verdict; details carry the action taken, the
 * expected action, the per-criterion scores and the cited rule ids. An unreachable judge stops the run loudly.
 */
import type { ModelClient } from '../models/model-client.js';
import type { Grade } from '../records/grade.js';
import type { Spec } from '../records/spec.js';
import { type GradeInput, type Grader, graded, unscored } from './grader.js';
import { createJudge, type JudgeOptions, type JudgeResult, judgeGraderId } from './judge-completion.js';

export { judgeGraderId } from './judge-completion.js';

export interface JudgeGraderOptions extends Omit<JudgeOptions, 'judge' | 'spec'> {
  judge: ModelClient;
  spec: Spec;
  /** Runs per response (min-aggregated); default 1. */
  runs?: number;
  /** The spec categories to render for an item: default its `categories` when the spec defines them, else summary-only. */
  categoriesOf?: (input: GradeInput) => string[];
  /** Pass the item's expected action as the judge's (noisy) hint. Default true. */
  hintExpectedAction?: boolean;
}

/** The judge's details on a Grade: the action taken, the expected action, the per-criterion scores, the cited ids. */
function judgeDetails(result: JudgeResult): Grade['details'] {
  return {
    action: result.action,
    expectedAction: result.expectedAction,
    compliance: result.scores?.compliance ?? null,
    actionScore: result.scores?.action ?? null,
    style: result.scores?.style ?? null,
    helpfulness: result.scores?.helpfulness ?? null,
    ruleIds: result.ruleIds.join(' '),
    runs: result.runsMade,
  };
}

/**
 * A Grader that calls the spec-aware judge on the answer alone (the reasoning is never sent). Grade.value = the
 * min-aggregated score, Grade.label = the verdict. An unreachable judge is Unavailable (the grader client stops the run).
 */
export function createJudgeGrader(options: JudgeGraderOptions): Grader {
  const { runs, categoriesOf: chooseCategories, hintExpectedAction, ...judgeOptions } = options;
  const judge = createJudge(judgeOptions);
  const known = new Set(options.spec.categories.map((category) => category.id));
  const categoriesOf =
    chooseCategories ?? ((input: GradeInput) => input.categories.filter((category) => known.has(category)));
  return {
    id: judgeGraderId,
    async doGrade(input, context) {
      const hint = hintExpectedAction !== false && input.expectedAction ? input.expectedAction : undefined;
      const prompt = {
        schemaVersion: 1 as const,
        id: input.itemId,
        // Like StrongREJECT, judge the request as written, not its jailbroken form (the answer is already decoded).
        messages: input.originalMessages ?? input.messages,
        categories: categoriesOf(input),
        metadata: hint ? { idealAction: hint } : {},
      };
      const outcome = await judge.doGrade(
        {
          prompt,
          completion: { id: input.itemId, reasoning: null, answer: input.response.answer },
          sawReasoning: false,
          runs: runs ?? 1,
        },
        context,
      );
      if (outcome.status === 'unavailable') return outcome;
      const { result } = outcome;
      if (outcome.status === 'unscored' || result.score === null) {
        return unscored(judgeGraderId, outcome.status === 'unscored' ? outcome.reason : 'judge-error', {
          explanation: result.judgements.at(-1)?.rationale,
          usage: result.usage,
        });
      }
      return graded(judgeGraderId, {
        value: result.score,
        label: result.verdict === 'unscored' ? null : result.verdict,
        explanation: result.judgements.map((judgement) => judgement.rationale).join('\n---\n'),
        details: judgeDetails(result),
        usage: result.usage,
      });
    },
  };
}
