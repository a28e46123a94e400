/**
 * @module grading/ask-grader-model
 * One call to a grader's model, the way the rubric graders (StrongREJECT, SimpleQA) make it: temperature 0, the
 * grader's token budget and signal; the reply's text and usage (every attempt of the call counted, a larger-budget
 * retry included), or the failed call as the grader's outcome (Unavailable for an outage, else Unscored).
 */
import type { ModelClient } from '../models/model-client.js';
import type { Grade } from '../records/grade.js';
import type { Message } from '../records/message.js';
import type { Usage } from '../records/usage.js';
import { failedCallOutcome, type Unavailable, type Unscored } from './grader.js';

export type GraderModelReply =
  | { ok: true; text: string; usage: Usage | undefined }
  | { ok: false; outcome: Unavailable | Unscored<Grade> };

export async function askGraderModel(
  client: ModelClient,
  graderId: string,
  messages: Message[],
  options: { maxTokens?: number; signal?: AbortSignal },
): Promise<GraderModelReply> {
  const outcome = await client.generate({
    messages,
    temperature: 0,
    maxTokens: options.maxTokens,
    signal: options.signal,
  });
  if (!outcome.ok) return { ok: false, outcome: failedCallOutcome(graderId, outcome) };
  return { ok: true, text: outcome.result.answer, usage: outcome.usage ?? outcome.result.usage };
}
