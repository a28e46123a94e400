/**
 * @module grading/judge-completion
 * The spec-aware judge: one Completion, k runs against spec(category), aggregated with min. The one place that joins
 * spec, model and completion; the pipeline (SFT filtering), the evals and the reward server all call it.
 */
import { DataError, DeliberateError } from '../errors.js';
import { stableHash } from '../io/stable-hash.js';
import type { ModelClient } from '../models/model-client.js';
import type { GenerateOutcome } from '../models/outcome.js';
import type { Judgement } from '../records/judgement.js';
import type { Prompt } from '../records/prompt.js';
import { ruleKindOf, type Spec } from '../records/spec.js';
import { addUsage, emptyUsage, type Usage } from '../records/usage.js';
import { renderSpecForPrompt } from '../spec/render-spec.js';
import { specIds } from '../spec/spec-ids.js';
import { type AggregatedJudgements, aggregateJudgements } from './aggregate-judgements.js';
import type { Grader } from './grader.js';
import { buildJudgeMessages, defaultJudgeTemplate, JUDGE_PROMPT_VERSION, judgePromptVersion } from './judge-prompt.js';
import type { JudgeTemplate } from './judge-template.js';
import { type ParsedVerdict, parseVerdict } from './parse-verdict.js';
import { aggregateScore, VerdictSchema, verdictScores } from './verdict-schema.js';

export { buildJudgeMessages, defaultJudgeTemplate, JUDGE_PROMPT_VERSION } from './judge-prompt.js';
export { type JudgeTemplate, loadJudgeTemplate, parseJudgeTemplate } from './judge-template.js';

/** Room for a reasoning judge to think and still write its verdict (256–512 tokens is not enough: the verdict is cut off). */
export const defaultJudgeMaxTokens = 8192;
export const defaultJudgeRuns = 3;

/**
 * How the verdict is requested. 'structured' (default): `generateObject`, so the backend decides how to ask for JSON
 * (response_format json_schema, a GBNF grammar, or — for harmony models configured with `harmony: true` — an
 * instruction only, never a constraint: a grammar would break the channel format), validates it, and asks once for a repair. 'text': a plain
 * `generate`, the JSON parsed from the answer afterwards (last JSON object wins); for backends where even the
 * model layer's JSON handling gets in the way.
 */
export type JudgeOutputMode = 'structured' | 'text';

export interface JudgeCompletionOptions {
  judge: ModelClient;
  spec: Spec;
  /** The conversation as the user sent it (no spec text), its categories (rendered: spec(categories), or summary-only when empty) and metadata (metadata.idealAction → the hint). */
  prompt: Prompt;
  completion: { id: string; reasoning: string | null; answer: string };
  /** true: SFT filtering (judge reads the chain of thought). false: RL reward / eval grading (reasoning hidden, never sent). */
  sawReasoning: boolean;
  /** k, default 3. */
  runs?: number;
  /** Early exit: stop judging once a scored run's score is below this (the min can only go down). Unscored runs also stop. */
  stopBelow?: number;
  /** Default 8192, sized for reasoning judges. A run cut off by the budget is retried once with twice the budget. */
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
  /** Default 'structured'. */
  outputMode?: JudgeOutputMode;
  /** spec(category) already rendered for this prompt's categories (saves rendering it per call). */
  renderedSpec?: string;
  /** The words of the judge prompt (default: the built-in template; see `loadJudgeTemplate` and templates/judge.md). */
  template?: JudgeTemplate;
}

/** The k runs aggregated with min (see AggregatedJudgements), with the runs themselves and what they cost. */
export interface JudgeResult extends AggregatedJudgements {
  /** One per run actually made. */
  judgements: Judgement[];
  usage: Usage;
  runsMade: number;
  earlyExit: boolean;
  /** Max minus min of the scored runs' scores (0 for one run, null when none was scored): a wide spread marks an item the judge is unsure of. */
  scoreSpread: number | null;
  /**
   * Set when the result is unscored because the judge could not be reached or the call was cancelled (not because of
   * what it wrote): callers that must fail loudly on an unavailable judge (evals) or retry later (pipeline) read this.
   */
  judgeUnavailable?: { kind: 'transport-failure' | 'cancelled'; message: string };
}

/**
 * The marker code: a hash of what the judge will read. Deterministic, so a re-run hits the request cache; and
 * unforgeable in practice, since graded text would have to contain a hash of itself to close its own block.
 */
export function judgeNonce(input: {
  prompt: Pick<Prompt, 'messages'>;
  completion: { reasoning: string | null; answer: string };
  sawReasoning: boolean;
}): string {
  return stableHash({
    version: JUDGE_PROMPT_VERSION,
    conversation: input.prompt.messages.map((message) => [message.role, message.content]),
    reasoning: input.sawReasoning ? input.completion.reasoning : null,
    answer: input.completion.answer,
  }).slice(0, 16);
}

const maxRawKept = 20_000;

/** Whether any of these categories (those rendered in full for the judge) has a behavioural rule. */
export function hasBehaviouralRules(spec: Spec, categoryIds: readonly string[]): boolean {
  return spec.categories.some(
    (category) =>
      categoryIds.includes(category.id) && category.rules.some((rule) => ruleKindOf(rule) === 'behavioural'),
  );
}

function toJudgement(
  parsed: ParsedVerdict,
  context: { options: JudgeCompletionOptions; run: number; usage: Usage; renderedCategoryIds: string[] },
): Judgement {
  const { options, run } = context;
  const base = {
    schemaVersion: 1 as const,
    completionId: options.completion.id,
    run,
    sawReasoning: options.sawReasoning,
    judge: { modelId: options.judge.id, promptVersion: judgePromptVersion(options.template ?? defaultJudgeTemplate) },
    specHash: options.spec.hash,
    renderedCategoryIds: context.renderedCategoryIds,
    usage: context.usage,
  };
  if (!parsed.ok) {
    const raw = parsed.raw.length > maxRawKept ? `${parsed.raw.slice(0, maxRawKept)}…[cut]` : parsed.raw;
    return {
      ...base,
      verdict: 'unscored',
      score: null,
      scores: null,
      action: null,
      expectedAction: null,
      ruleIds: [],
      agreeWithHint: null,
      rationale: raw === '' ? parsed.message : `${parsed.message}\n--- judge output ---\n${raw}`,
      unscoredReason: parsed.reason,
    };
  }
  const { verdict } = parsed;
  const scores = verdictScores(verdict, options.sawReasoning);
  const hinted = options.prompt.metadata.idealAction !== undefined;
  const agreeWithHint = hinted && verdict.hintAgreement !== 'no-hint' ? verdict.hintAgreement === 'agree' : null;
  const hintLine =
    hinted && verdict.hintAnalysis.trim() !== '' ? `\nHint (${verdict.hintAgreement}): ${verdict.hintAnalysis}` : '';
  return {
    ...base,
    verdict: verdict.verdict,
    score: aggregateScore(scores, verdict.verdict),
    scores,
    action: verdict.action,
    expectedAction: verdict.expectedAction,
    ruleIds: verdict.ruleIds,
    agreeWithHint,
    rationale: `${verdict.analysis}${hintLine}`,
  };
}

/**
 * Judges one completion k times against spec(category) and keeps the minimum. Never throws for a judge failure:
 * that is an unscored result with a reason. Throws DataError only for bad input (an unknown category, k < 1).
 * @example
 * const result = await judgeCompletion({ judge, spec, prompt, completion, sawReasoning: true, stopBelow: 0.9 });
 * if (result.score !== null && result.score >= 0.9) accept(completion);
 */
export async function judgeCompletion(options: JudgeCompletionOptions): Promise<JudgeResult> {
  const runs = options.runs ?? defaultJudgeRuns;
  if (!Number.isInteger(runs) || runs < 1) {
    throw new DataError(`judge runs must be a whole number of 1 or more, got ${runs}`, { hint: 'set runs to e.g. 3' });
  }
  const renderedSpec = options.renderedSpec ?? renderSpecForPrompt(options.spec, options.prompt);
  const messages = buildJudgeMessages({
    renderedSpec,
    prompt: options.prompt,
    completion: options.sawReasoning ? options.completion : { reasoning: null, answer: options.completion.answer },
    sawReasoning: options.sawReasoning,
    nonce: judgeNonce(options),
    template: options.template,
    behaviouralRules: hasBehaviouralRules(options.spec, options.prompt.categories),
  });
  const outputMode = options.outputMode ?? 'structured';
  const parseOptions = { knownIds: specIds(options.spec).all, sawReasoning: options.sawReasoning };
  const maxTokens = options.maxTokens ?? defaultJudgeMaxTokens;
  const judgements: Judgement[] = [];
  let usage = emptyUsage;
  let earlyExit = false;
  let judgeUnavailable: JudgeResult['judgeUnavailable'];
  for (let run = 0; run < runs; run++) {
    let runUsage = emptyUsage;
    let parsed: ParsedVerdict | undefined;
    // A verdict cut off by the token budget gets one more try with twice the budget.
    for (const budget of [maxTokens, maxTokens * 2]) {
      const request = {
        messages,
        maxTokens: budget,
        temperature: options.temperature,
        seed: run,
        sampleIndex: run,
        signal: options.signal,
      };
      const outcome: GenerateOutcome<unknown> =
        outputMode === 'structured'
          ? await options.judge.generateObject(request, VerdictSchema, 'judgement')
          : await options.judge.generate(request);
      // outcome.usage also counts a repair or a larger-budget retry inside the call (result.usage is the last only).
      const callUsage = outcome.usage ?? outcome.result?.usage;
      if (callUsage) runUsage = addUsage(runUsage, callUsage);
      parsed = parseVerdict(outcome, parseOptions);
      if (parsed.ok || parsed.reason !== 'truncated') break;
    }
    if (parsed === undefined) throw new DeliberateError('unreachable: no judge call was made');
    if (!parsed.ok && (parsed.outcomeKind === 'transport-failure' || parsed.outcomeKind === 'cancelled')) {
      judgeUnavailable = { kind: parsed.outcomeKind, message: parsed.message };
    }
    usage = addUsage(usage, runUsage);
    const judgement = toJudgement(parsed, {
      options,
      run,
      usage: runUsage,
      renderedCategoryIds: [...options.prompt.categories],
    });
    judgements.push(judgement);
    const failed = judgement.score === null;
    const belowThreshold =
      options.stopBelow !== undefined && judgement.score !== null && judgement.score < options.stopBelow;
    if (failed || belowThreshold) {
      earlyExit = run < runs - 1;
      break;
    }
  }
  const aggregated = aggregateJudgements(judgements, { requestedRuns: runs, earlyExit });
  const scored = judgements.flatMap((judgement) => (judgement.score === null ? [] : [judgement.score]));
  const scoreSpread = scored.length > 0 ? Math.max(...scored) - Math.min(...scored) : null;
  const result: JudgeResult = {
    judgements,
    ...aggregated,
    usage,
    runsMade: judgements.length,
    earlyExit,
    scoreSpread,
  };
  if (judgeUnavailable) result.judgeUnavailable = judgeUnavailable;
  return result;
}

export interface JudgeAnswerOptions extends Omit<JudgeCompletionOptions, 'completion' | 'sawReasoning'> {
  answer: string;
  /** Recorded on the Judgements; defaults to the prompt id. */
  completionId?: string;
}

/** For eval grading: judges an answer alone (the reasoning is never sent), 1 run unless `runs` says otherwise. */
export function judgeAnswer(options: JudgeAnswerOptions): Promise<JudgeResult> {
  const { answer, completionId, ...rest } = options;
  return judgeCompletion({
    ...rest,
    runs: options.runs ?? 1,
    sawReasoning: false,
    completion: { id: completionId ?? options.prompt.id, reasoning: null, answer },
  });
}

export const judgeGraderId = 'spec-judge@1';

/** One completion for the judge: what `createJudge()`'s doGrade takes. */
export interface JudgeRequest {
  /** The conversation as the user sent it, its categories (spec(categories), or summary-only when empty) and metadata (metadata.idealAction → the hint). */
  prompt: Prompt;
  completion: { id: string; reasoning: string | null; answer: string };
  /** true: SFT filtering (the judge reads the chain of thought). false: RL reward / eval grading (reasoning never sent). */
  sawReasoning: boolean;
  /** k, default 3. */
  runs?: number;
  /** Early exit: stop once a scored run's score is below this. */
  stopBelow?: number;
}

export type JudgeOptions = Pick<
  JudgeCompletionOptions,
  'judge' | 'spec' | 'maxTokens' | 'temperature' | 'outputMode' | 'template'
>;

/**
 * The spec-aware judge as a Grader over one completion, its k runs kept (JudgeResult). An unreachable judge or a
 * cancelled call is Unavailable; any other unscored run makes the result Unscored with its reason.
 */
export function createJudge(options: JudgeOptions): Grader<JudgeRequest, JudgeResult> {
  return {
    id: judgeGraderId,
    async doGrade(request, context) {
      const result = await judgeCompletion({
        ...options,
        ...request,
        signal: context.signal,
        renderedSpec: context.renderSpec(options.spec, request.prompt),
      });
      if (result.judgeUnavailable) {
        return { status: 'unavailable', ...result.judgeUnavailable, usage: result.usage };
      }
      if (result.verdict === 'unscored') {
        return { status: 'unscored', reason: result.unscoredReason ?? 'judge-error', result };
      }
      return { status: 'graded', result };
    },
  };
}
