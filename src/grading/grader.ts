/**
 * @module grading/grader
 * The grading contract, in the style of the model layer (ChatModel.doGenerate ↔ ModelClient): a Grader implements
 * `doGrade` and says how it ended — Graded, Unscored (with a reason from the enum) or Unavailable (its model could not
 * be reached, or the call was cancelled). Nobody calls `doGrade` except `createGraderClient()`, which owns what to do
 * about each (grading/create-grader-client.ts). A grader never throws for a model failure: it returns one of the three.
 */
import type { GenerateFailure } from '../models/outcome.js';
import type { Action } from '../records/action.js';
import type { FailureKind } from '../records/failure-kind.js';
import type { Grade, GradeLabel } from '../records/grade.js';
import type { Message } from '../records/message.js';
import type { Prompt } from '../records/prompt.js';
import type { Spec } from '../records/spec.js';
import type { UnscoredReason } from '../records/unscored-reason.js';
import type { Usage } from '../records/usage.js';

/** The grade of one response, with its result (a Grade for eval graders, a JudgeResult for the judge). */
export interface Graded<Result> {
  status: 'graded';
  result: Result;
}

/** No score, for a reason in the enum (the result records what there was). Counted, never an outage. */
export interface Unscored<Result> {
  status: 'unscored';
  reason: UnscoredReason;
  result: Result;
}

/** The grader's model could not be reached (`transport-failure`) or the call was cancelled: an outage, not a grade. */
export interface Unavailable {
  status: 'unavailable';
  kind: FailureKind;
  message: string;
  usage?: Usage;
}

export type GraderOutcome<Result> = Graded<Result> | Unscored<Result> | Unavailable;

/** What the grader client lends every doGrade call. */
export interface GradingContext {
  signal?: AbortSignal;
  /** spec(category) for these categories, or summary-only for none: rendered once per spec and category set. */
  renderSpec(spec: Spec, prompt: Pick<Prompt, 'id' | 'categories'>): string;
}

/** A grader: implement `doGrade`; call it through `createGraderClient()` only. */
export interface Grader<Input = GradeInput, Result = Grade> {
  /** Stable id recorded on every Grade, e.g. 'refusal-offline@1', 'strongreject-rubric@1'. */
  readonly id: string;
  doGrade(input: Input, context: GradingContext): Promise<GraderOutcome<Result>>;
}

/** One response to grade. */
export interface GradeInput {
  /** Item id (eval item, calibration row, request id): named in errors. */
  itemId: string;
  /** The conversation the target saw (after transforms), ending on the user turn. */
  messages: Message[];
  /** The conversation before transforms, when a transform changed it (a judge reads the request as the user wrote it). */
  originalMessages?: Message[];
  /** The original, untransformed request (StrongREJECT grades against it); default: the last user turn. */
  originalRequest?: string;
  /** Spec category ids (the judge renders these in full; others ignore them). */
  categories: string[];
  /** What the spec/benchmark expects, when known (the judge's noisy hint). */
  expectedAction?: Action;
  metadata?: Record<string, unknown>;
  response: { reasoning: string | null; answer: string };
}

/** The request as written: `originalRequest`, else the last user turn of the untransformed conversation. */
export function requestOf(input: GradeInput): string {
  if (input.originalRequest) return input.originalRequest;
  const messages = input.originalMessages ?? input.messages;
  return messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
}

/** What an eval grader gives for a graded response. */
export interface GradedFields {
  value: number;
  label: GradeLabel | null;
  explanation?: string;
  details?: Grade['details'];
  ruleVerdicts?: Grade['ruleVerdicts'];
  usage?: Usage;
}

/** A Graded outcome carrying its Grade. */
export function graded(graderId: string, fields: GradedFields): Graded<Grade> {
  return {
    status: 'graded',
    result: {
      schemaVersion: 1,
      graderId,
      value: fields.value,
      label: fields.label,
      unscored: false,
      ...(fields.explanation === undefined ? {} : { explanation: fields.explanation }),
      details: fields.details ?? {},
      ...(fields.ruleVerdicts ? { ruleVerdicts: fields.ruleVerdicts } : {}),
      ...(fields.usage ? { usage: fields.usage } : {}),
    },
  };
}

/** An Unscored outcome carrying its (unscored) Grade. */
export function unscored(
  graderId: string,
  reason: UnscoredReason,
  fields: { label?: GradeLabel | null; explanation?: string; details?: Grade['details']; usage?: Usage } = {},
): Unscored<Grade> {
  return {
    status: 'unscored',
    reason,
    result: {
      schemaVersion: 1,
      graderId,
      value: null,
      label: fields.label ?? null,
      unscored: true,
      unscoredReason: reason,
      ...(fields.explanation === undefined ? {} : { explanation: fields.explanation }),
      details: fields.details ?? {},
      ...(fields.usage ? { usage: fields.usage } : {}),
    },
  };
}

/**
 * What a failed grader-model call means: transport-failure and cancelled are outages (Unavailable); the other kinds are
 * things the model did, so the response is unscored for the reason returned here.
 */
export function failureOutcome(failure: GenerateFailure): Unavailable | { status: 'unscored'; reason: UnscoredReason } {
  switch (failure.kind) {
    case 'transport-failure':
    case 'cancelled':
      return {
        status: 'unavailable',
        kind: failure.kind,
        message: failure.message,
        ...(failure.usage ? { usage: failure.usage } : {}),
      };
    case 'provider-refusal':
      return { status: 'unscored', reason: 'refused-to-judge' };
    case 'no-answer':
      return { status: 'unscored', reason: failure.result?.finishReason === 'length' ? 'truncated' : 'no-answer' };
    case 'answer-in-reasoning':
    case 'schema-failure':
      return { status: 'unscored', reason: 'parse-failure' };
  }
}

/** A failed grader-model call as the grader's outcome: Unavailable for an outage, else Unscored with its typed reason. */
export function failedCallOutcome(graderId: string, failure: GenerateFailure): Unavailable | Unscored<Grade> {
  const outcome = failureOutcome(failure);
  if (outcome.status === 'unavailable') return outcome;
  return unscored(graderId, outcome.reason, {
    explanation: failure.message,
    usage: failure.usage ?? failure.result?.usage,
  });
}
