/**
 * @module evals/run-case
 * One eval case: the arm's call, the answer decoded by the transform, every grader's grade of it. A failed call is a
 * result with its outcome and no grades; a cancelled call or grade throws, so the case is left for the re-run.
 */
import { CancelledError } from '../errors.js';
import type { GraderClient } from '../grading/create-grader-client.js';
import type { GradeInput } from '../grading/grader.js';
import { countTokens } from '../io/count-tokens.js';
import type { GenerateFailure } from '../models/outcome.js';
import type { EvalResult } from '../records/eval-log.js';
import type { EvalSettings } from '../records/eval-settings.js';
import type { Grade } from '../records/grade.js';
import { addUsage, emptyUsage, type Usage } from '../records/usage.js';
import { callTarget, resultDeliberation } from './call-target.js';
import { armRequestFields } from './parse-arm.js';
import type { PlannedCase } from './plan-cases.js';

export interface RunCaseOptions {
  graderClients: Record<string, GraderClient<GradeInput, Grade>>;
  settings: EvalSettings;
  signal?: AbortSignal;
}

type CaseBase = Pick<EvalResult, 'arm' | 'itemId' | 'transform' | 'messages' | 'cached' | 'deliberation'>;

/** Generates, decodes and grades one case. */
export async function runCase(planned: PlannedCase, options: RunCaseOptions): Promise<EvalResult> {
  const { target, item, transform } = planned;
  const request = {
    messages: planned.messages,
    maxTokens: options.settings.maxTokens,
    temperature: options.settings.temperature,
    // A compute arm's reasoning effort, chat template kwargs and token budget win over the eval defaults.
    ...armRequestFields(target.requestOptions ?? {}),
    signal: options.signal,
  };
  // A +ttd arm: draft → check → revise, every call's usage summed on the outcome.
  const outcome = await callTarget(target.client, request, planned.deliberation);
  const base: CaseBase = {
    arm: target.name,
    itemId: item.id,
    transform: transform.name,
    messages: planned.messages,
    cached: outcome.cached,
    ...resultDeliberation(outcome),
  };
  if (!outcome.ok) return failedCase(base, outcome);
  const { result } = outcome;
  const decoded = transform.decode ? transform.decode(result.answer) : result.answer;
  const { grades, graderUsage } = await gradeCase(planned, { reasoning: result.reasoning, answer: decoded }, options);
  // A grade cut short by Ctrl-C is not a finished case: leave it for the re-run.
  if (options.signal?.aborted) throw new CancelledError();
  return {
    ...base,
    response: { reasoning: result.reasoning, answer: result.answer },
    decodedAnswer: decoded === result.answer ? null : decoded,
    outcome: { kind: 'success' },
    grades,
    latencyMs: result.latencyMs,
    // Every attempt of the call (a larger-budget retry) counts, not only the last reply.
    usage: outcome.usage ?? result.usage,
    graderUsage,
    ...reasoningTokensOf(result.reasoning, outcome.usage ?? result.usage),
  };
}

/** The result of a call that failed (a cancelled one throws: it is not a result). */
function failedCase(base: CaseBase, outcome: GenerateFailure): EvalResult {
  if (outcome.kind === 'cancelled') throw new CancelledError();
  return {
    ...base,
    response: outcome.result ? { reasoning: outcome.result.reasoning, answer: outcome.result.answer } : null,
    decodedAnswer: null,
    outcome: { kind: outcome.kind, message: outcome.message },
    grades: {},
    latencyMs: outcome.result?.latencyMs ?? 0,
    usage: outcome.usage ?? outcome.result?.usage ?? emptyUsage,
    graderUsage: emptyUsage,
    reasoningTokens: null,
    reasoningTokensSource: null,
  };
}

/** Every grader's grade of the (decoded) response, in grader order, and what the graders' calls used. */
async function gradeCase(
  { item, transform, transformed }: PlannedCase,
  response: GradeInput['response'],
  options: RunCaseOptions,
): Promise<{ grades: EvalResult['grades']; graderUsage: Usage }> {
  const grades: EvalResult['grades'] = {};
  let graderUsage = emptyUsage;
  for (const [key, client] of Object.entries(options.graderClients)) {
    const grade = await client.grade(
      {
        itemId: item.id,
        messages: transformed,
        ...(transform.name === 'none' ? {} : { originalMessages: item.messages }),
        originalRequest: item.originalRequest,
        categories: [item.category],
        expectedAction: item.expectedAction ?? undefined,
        metadata: item.metadata,
        response,
      },
      { location: `item ${item.id} (grader ${key})` },
    );
    if (grade.usage) graderUsage = addUsage(graderUsage, grade.usage);
    grades[key] = grade;
  }
  return { grades, graderUsage };
}

/** Reasoning tokens of one answered call: as reported, else counted from the reasoning text, else none. */
export function reasoningTokensOf(
  reasoning: string | null,
  usage: Usage,
): Pick<EvalResult, 'reasoningTokens' | 'reasoningTokensSource'> {
  if (usage.reasoningTokens > 0) return { reasoningTokens: usage.reasoningTokens, reasoningTokensSource: 'reported' };
  if (reasoning && reasoning.trim() !== '')
    return { reasoningTokens: countTokens(reasoning), reasoningTokensSource: 'counted' };
  return { reasoningTokens: 0, reasoningTokensSource: 'none' };
}
