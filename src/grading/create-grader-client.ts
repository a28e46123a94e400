/**
 * @module grading/create-grader-client
 * The one way to call a grader. A grader (grading/grader.ts) implements `doGrade` and returns Graded, Unscored or
 * Unavailable; the client owns what happens next, the same for every caller (pipeline judge stage, run-eval,
 * calibrate, judge probes, the HTTP servers):
 * - Unavailable stops the caller: `grade()` throws GraderUnavailableError naming the role, the model and the item
 *   (a cancelled call throws CancelledError). An outage never becomes unscored rows. (The pipeline's judge stage
 *   catches it per unit as a failed, unstored unit and lets the role's streak breaker and failure allowance decide.)
 * - Graded and Unscored return the result (a Grade, or the judge's JudgeResult); unscored ones are counted by reason.
 * - cancellation (the client's signal and the call's), usage, concurrency and the rendered-spec cache live here.
 *
 * @example
 * // An eval grader (returns a Grade):
 * const refusal = createGraderClient(createRefusalGrader(), { role: null });
 * const grade = await refusal.grade({ itemId: 'x1', messages, categories: [], response: { reasoning: null, answer } });
 *
 * // The spec-aware judge, as a reward server would call it (answer only, reasoning never sent):
 * const judge = createGraderClient(createJudgeGrader({ judge: judgeModel, spec }), { role: 'judge', modelId: judgeModel.id });
 * const grade = await judge.grade({ itemId: requestId, messages: conversation, categories: ['illicit'], response: { reasoning: null, answer } });
 * grade.value; // 0..1, or null with grade.unscoredReason
 *
 * // The judge with its k runs kept (SFT filtering reads the reasoning):
 * const judgeRuns = createGraderClient(createJudge({ judge: judgeModel, spec }), { role: 'judge', modelId: judgeModel.id });
 * const result = await judgeRuns.grade({ prompt, completion, sawReasoning: true, runs: 3, stopBelow: 0.7 });
 */
import PQueue from 'p-queue';
import { BackendError, CancelledError } from '../errors.js';
import type { FailureKind } from '../records/failure-kind.js';
import type { UnscoredReason } from '../records/unscored-reason.js';
import { addUsage, emptyUsage, type Usage } from '../records/usage.js';
import { createRenderedSpecCache } from '../spec/rendered-spec-cache.js';
import type { Grader, GraderOutcome } from './grader.js';

/** A grader's model stopped answering: the role, the model, the item and what the backend said. */
export class GraderUnavailableError extends BackendError {
  readonly role: string | null;
  readonly kind: FailureKind;
  /** What the backend said (the message without the role and model). */
  readonly detail: string;
  constructor(options: {
    role: string | null;
    graderId: string;
    modelId: string | null;
    kind: FailureKind;
    message: string;
    location: string;
  }) {
    const who = options.role === null ? `the grader ${options.graderId}` : `the ${options.role} role`;
    const model = options.modelId === null ? '' : ` (${options.modelId})`;
    super(`${who}${model} is unavailable (${options.kind}): ${options.message}`, {
      location: options.location,
      hint: `check the ${options.role ?? 'grader'} role in deliberate.yaml (deliberate models check) and run again; finished work is kept, and grading never falls back to another grader`,
    });
    this.name = 'GraderUnavailableError';
    this.role = options.role;
    this.kind = options.kind;
    this.detail = options.message;
  }
}

export interface GraderClientOptions<Input> {
  /** The config role whose model the grader calls (`judge`, `grader`, `classifier`); null for offline graders. */
  role: string | null;
  /** The model behind the role, for errors and logs. */
  modelId?: string | null;
  /** doGrade calls in flight at once through this client; default unlimited (the model client's own limits apply). */
  concurrency?: number;
  /** Cancels every call made through this client. */
  signal?: AbortSignal;
  /** Where an input is, for errors; default `item <itemId>` when the input has one. */
  locate?: (input: Input) => string;
}

export interface GraderClientStats {
  graded: number;
  unscored: number;
  unscoredReasons: Partial<Record<UnscoredReason, number>>;
  /** Usage of every call, an outage's included. */
  usage: Usage;
}

export interface GraderClient<Input, Result> {
  readonly graderId: string;
  readonly role: string | null;
  readonly modelId: string | null;
  /** Grades one input: the result when Graded or Unscored; throws GraderUnavailableError / CancelledError otherwise. */
  grade(input: Input, options?: { signal?: AbortSignal; location?: string }): Promise<Result>;
  stats(): GraderClientStats;
}

function defaultLocation(input: unknown): string {
  const itemId = (input as { itemId?: unknown } | null)?.itemId;
  return typeof itemId === 'string' ? `item ${itemId}` : 'grading';
}

function usageOf(outcome: GraderOutcome<unknown>): Usage | undefined {
  if (outcome.status === 'unavailable') return outcome.usage;
  return (outcome.result as { usage?: Usage } | null)?.usage;
}

function combinedSignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

/** Wraps a grader in the one outage policy (see the module comment). */
export function createGraderClient<Input, Result>(
  grader: Grader<Input, Result>,
  options: GraderClientOptions<Input>,
): GraderClient<Input, Result> {
  const queue = new PQueue({ concurrency: options.concurrency ?? Number.POSITIVE_INFINITY });
  const renderSpec = createRenderedSpecCache();
  const modelId = options.modelId ?? null;
  const stats: GraderClientStats = { graded: 0, unscored: 0, unscoredReasons: {}, usage: emptyUsage };
  return {
    graderId: grader.id,
    role: options.role,
    modelId,
    async grade(input, callOptions = {}) {
      const signal = combinedSignal(options.signal, callOptions.signal);
      if (signal?.aborted) throw new CancelledError();
      // p-queue types add() as `T | void` (a timeout resolves empty); no timeout is set here.
      const outcome = (await queue.add(() => grader.doGrade(input, { signal, renderSpec }))) as GraderOutcome<Result>;
      const usage = usageOf(outcome);
      if (usage) stats.usage = addUsage(stats.usage, usage);
      if (outcome.status === 'graded') {
        stats.graded += 1;
        return outcome.result;
      }
      if (outcome.status === 'unscored') {
        stats.unscored += 1;
        stats.unscoredReasons[outcome.reason] = (stats.unscoredReasons[outcome.reason] ?? 0) + 1;
        return outcome.result;
      }
      if (outcome.kind === 'cancelled' || signal?.aborted) throw new CancelledError();
      throw new GraderUnavailableError({
        role: options.role,
        graderId: grader.id,
        modelId,
        kind: outcome.kind,
        message: outcome.message,
        location: callOptions.location ?? (options.locate ?? defaultLocation)(input),
      });
    },
    stats: () => ({ ...stats, unscoredReasons: { ...stats.unscoredReasons } }),
  };
}
