/**
 * @module evals/call-target
 * One arm's call for one case: a single request, or for a `+ttd` arm test-time deliberation
 * (grading/deliberate-at-test-time.ts, the same function as the guard's `revise` mode) with spec(category) of the
 * item's category when the spec has it, else the summary-only spec.
 */
import {
  type DeliberationOutcome,
  deliberateAtTestTime,
  deliberationRecord,
} from '../grading/deliberate-at-test-time.js';
import type { GenerateRequest } from '../models/chat-model.js';
import type { ModelClient } from '../models/model-client.js';
import type { GenerateOutcome } from '../models/outcome.js';
import type { EvalResult } from '../records/eval-log.js';
import type { Message } from '../records/message.js';
import type { Spec } from '../records/spec.js';
import { specInContextText } from '../spec/spec-in-context.js';

/** What a `+ttd` case deliberates with: the conversation without the spec, and spec(category). */
export interface CaseDeliberation {
  passes: number;
  conversation: Message[];
  specText: string;
}

/** spec(category) for an item whose category is one of the spec's; summary-only for any other. */
export function deliberationSpecText(spec: Spec, category: string): string {
  const known = spec.categories.some((entry) => entry.id === category);
  return specInContextText(spec, known ? [category] : []);
}

/** The target's answer: one call with `request`, or draft → check → revise when the case deliberates. */
export function callTarget(
  client: ModelClient,
  request: GenerateRequest,
  deliberation: CaseDeliberation | undefined,
): Promise<GenerateOutcome | DeliberationOutcome> {
  if (!deliberation) return client.generate(request);
  return deliberateAtTestTime(client, { ...request, messages: deliberation.conversation }, deliberation.specText, {
    passes: deliberation.passes,
  });
}

/** The result's `deliberation` field: calls and the rule ids each check round found. */
export function resultDeliberation(outcome: GenerateOutcome | DeliberationOutcome): Pick<EvalResult, 'deliberation'> {
  return 'deliberation' in outcome ? { deliberation: deliberationRecord(outcome.deliberation) } : {};
}
