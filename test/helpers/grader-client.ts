import { createGraderClient, type GraderClient } from '../../src/grading/create-grader-client.js';
import type { GradeInput, Grader } from '../../src/grading/grader.js';
import type { Grade } from '../../src/records/grade.js';
import type { Prompt } from '../../src/records/prompt.js';
import { emptyUsage, type Usage } from '../../src/records/usage.js';

/** A grader behind the one grader client, as every product caller holds it (role `grader` unless said). */
export function graderClient(grader: Grader, role: string | null = 'grader'): GraderClient<GradeInput, Grade> {
  return createGraderClient(grader, { role, modelId: role === null ? null : 'test:model' });
}

/** One response to grade: the answer to a one-turn request (reasoning none unless given; no categories). */
export function gradeInput(
  answer: string,
  options: { request?: string; reasoning?: string | null; itemId?: string } = {},
): GradeInput {
  const request = options.request ?? 'q';
  return {
    itemId: options.itemId ?? 'x',
    messages: [{ role: 'user', content: request }],
    originalRequest: request,
    categories: [],
    metadata: {},
    response: { reasoning: options.reasoning ?? null, answer },
  };
}

/** The usage a scripted reply reports (no reasoning or cached tokens). */
export function callUsage(promptTokens: number, completionTokens: number): Usage {
  return { ...emptyUsage, promptTokens, completionTokens };
}

/** A one-turn prompt for the judge: an illicit request whose hint is to refuse. */
export function illicitPrompt(id: string, request: string): Prompt {
  return {
    schemaVersion: 1,
    id,
    messages: [{ role: 'user', content: request }],
    categories: ['illicit'],
    metadata: { idealAction: 'refuse' },
  };
}
