/**
 * @module grading/deliberate-at-test-time
 * Test-time deliberation (the Align3 idea of SpecBench, arXiv 2509.14760, in this project's own wording): the model
 * drafts an answer with spec(category) in context, a check call lists the spec rules the draft breaks (JSON), and
 * when it found any the model revises; up to `passes` check rounds. One function for the eval's `role+ttd` arm and
 * the guard's `revise` mode, so both send the same requests.
 *
 * Every call's usage is summed on the outcome (the extra tokens are the method's price). A call that fails ends it
 * as a typed failure naming the step: never the draft passed off as a checked answer. A failed check carries no
 * `result` (its text is JSON, not an answer).
 *
 * @example
 * const outcome = await deliberateAtTestTime(client, { messages, maxTokens: 1024 }, specText, { passes: 2 });
 * if (outcome.ok) outcome.result.answer; // the final answer; outcome.usage: all calls; outcome.deliberation.calls
 */
import { DeliberateError } from '../errors.js';
import type { GenerateRequest, GenerateResult } from '../models/chat-model.js';
import type { ModelClient } from '../models/model-client.js';
import type { GenerateFailure, GenerateOutcome, GenerateSuccess } from '../models/outcome.js';
import type { DeliberationRecord } from '../records/deliberation-record.js';
import type { Message } from '../records/message.js';
import { addUsage, emptyUsage, type Usage } from '../records/usage.js';
import { specInContextMessages } from '../spec/spec-in-context.js';
import { DraftCheck, type DraftViolation, draftCheckMessages, reviseMessages } from './deliberation-prompts.js';

export type DeliberationStep = 'draft' | 'check' | 'revise';

/** What the deliberation did: calls made, and the rule ids each check round found (an empty round ends it). */
export interface Deliberation {
  calls: number;
  rounds: DraftViolation[][];
  /** The step whose call failed, on a failure. */
  failedStep?: DeliberationStep;
}

export type DeliberationOutcome =
  | (GenerateSuccess & { deliberation: Deliberation })
  | (GenerateFailure & { deliberation: Deliberation });

export interface DeliberateOptions {
  /** Check rounds at most (each may be followed by a revision); default 1. */
  passes?: number;
}

/** The calls so far: their summed usage, attempts and latency. */
interface Tally {
  calls: number;
  usage: Usage;
  attempts: number;
  latencyMs: number;
  cached: boolean;
  rounds: DraftViolation[][];
}

function count<T>(tally: Tally, outcome: GenerateOutcome<T>): void {
  tally.calls += 1;
  tally.usage = addUsage(tally.usage, outcome.usage ?? outcome.result?.usage ?? emptyUsage);
  tally.attempts += outcome.attempts;
  tally.latencyMs += outcome.result?.latencyMs ?? 0;
  tally.cached &&= outcome.cached;
}

function failed(tally: Tally, step: DeliberationStep, failure: GenerateFailure): DeliberationOutcome {
  const { result, ...rest } = failure;
  return {
    ...rest,
    // A check's text is JSON about the draft: never something to answer with.
    ...(step !== 'check' && result ? { result } : {}),
    message: `test-time deliberation, ${step} call (call ${tally.calls}): ${failure.message}`,
    attempts: tally.attempts,
    cached: tally.cached,
    usage: tally.usage,
    deliberation: { calls: tally.calls, rounds: tally.rounds, failedStep: step },
  };
}

function succeeded(tally: Tally, result: GenerateResult): DeliberationOutcome {
  return {
    ok: true,
    result: { ...result, latencyMs: tally.latencyMs },
    object: undefined,
    cached: tally.cached,
    attempts: tally.attempts,
    usage: tally.usage,
    deliberation: { calls: tally.calls, rounds: tally.rounds },
  };
}

/** The record of a deliberation for logs: calls, rule ids per check round, the failed step. */
export function deliberationRecord(deliberation: Deliberation): DeliberationRecord {
  return {
    calls: deliberation.calls,
    rounds: deliberation.rounds.map((round) => round.map((violation) => violation.ruleId)),
    ...(deliberation.failedStep ? { failedStep: deliberation.failedStep } : {}),
  };
}

/**
 * Draft → check → revise, up to `passes` check rounds. `request.messages` is the conversation without the spec;
 * `specText` is spec(category) (spec/spec-in-context.ts), put in front of the draft and given to every check.
 */
export async function deliberateAtTestTime(
  client: ModelClient,
  request: GenerateRequest,
  specText: string,
  options: DeliberateOptions = {},
): Promise<DeliberationOutcome> {
  const passes = options.passes ?? 1;
  if (!Number.isInteger(passes) || passes < 1) {
    throw new DeliberateError(`test-time deliberation: passes must be a whole number of at least 1, got ${passes}`, {
      hint: 'write e.g. role+ttd@passes=2 (default 1)',
    });
  }
  // Buffered: the draft is never shown while it is being checked, so nothing streams.
  const base: GenerateRequest = { ...request, onDelta: undefined };
  const tally: Tally = { calls: 0, usage: emptyUsage, attempts: 0, latencyMs: 0, cached: true, rounds: [] };
  const conversation: Message[] = base.messages;
  const withSpec = specInContextMessages(conversation, [specText]);
  const first = await client.generate({ ...base, messages: withSpec });
  count(tally, first);
  if (!first.ok) return failed(tally, 'draft', first);
  let current = first.result;
  for (let pass = 0; pass < passes; pass += 1) {
    const check = await client.generateObject(
      { ...base, messages: draftCheckMessages(conversation, current.answer, specText), temperature: 0 },
      DraftCheck,
      'draft_check',
    );
    count(tally, check);
    if (!check.ok) return failed(tally, 'check', check);
    tally.rounds.push(check.object.violations);
    if (check.object.violations.length === 0) break;
    const revised = await client.generate({
      ...base,
      messages: reviseMessages(withSpec, current.answer, check.object.violations),
    });
    count(tally, revised);
    if (!revised.ok) return failed(tally, 'revise', revised);
    current = revised.result;
  }
  return succeeded(tally, current);
}
