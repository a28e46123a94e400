/**
 * @module models/generate
 * The only caller of `ChatModel.doGenerate`. Owns outcome classification and structured-output validation.
 * (Retries, limits, caching and call logging are added here by the model layer.)
 */
import type { z } from 'zod';
import type { ChatModel, GenerateRequest, GenerateResult } from './chat-model.js';
import type { ModelClient } from './model-client.js';
import type { GenerateFailure, GenerateOutcome } from './outcome.js';

export interface GenerateOptions {
  signal?: AbortSignal;
}

function classify(result: GenerateResult): GenerateFailure | null {
  const base = { result, attempts: 1, cached: false };
  if (result.refusal !== undefined || result.finishReason === 'content-filter') {
    return { ok: false, kind: 'provider-refusal', message: result.refusal ?? 'content filter', ...base };
  }
  if (result.answer.trim() === '' && result.finishReason === 'length') {
    return { ok: false, kind: 'no-answer', message: 'the token budget ran out before an answer', ...base };
  }
  if (result.answer.trim() === '' && result.reasoning && result.reasoning.trim() !== '') {
    return { ok: false, kind: 'answer-in-reasoning', message: 'the answer arrived in the reasoning field', ...base };
  }
  return null;
}

export async function generate(
  model: ChatModel,
  request: GenerateRequest,
  options: GenerateOptions = {},
): Promise<GenerateOutcome> {
  const signal = request.signal ?? options.signal;
  if (signal?.aborted) return { ok: false, kind: 'cancelled', message: 'cancelled', attempts: 0, cached: false };
  let result: GenerateResult;
  try {
    result = await model.doGenerate({ ...request, signal });
  } catch (error) {
    return { ok: false, kind: 'transport-failure', message: (error as Error).message, attempts: 1, cached: false };
  }
  const failure = classify(result);
  if (failure) return failure;
  return { ok: true, result, object: undefined, cached: false, attempts: 1 };
}

export async function generateObject<S extends z.ZodType>(
  model: ChatModel,
  request: Omit<GenerateRequest, 'responseSchema'>,
  schema: S,
  name: string,
  options: GenerateOptions = {},
): Promise<GenerateOutcome<z.infer<S>>> {
  const outcome = await generate(model, { ...request, responseSchema: { name, schema } }, options);
  if (!outcome.ok) return outcome;
  let value: unknown;
  try {
    value = JSON.parse(outcome.result.answer);
  } catch (error) {
    return {
      ok: false,
      kind: 'schema-failure',
      message: `not JSON: ${(error as Error).message}`,
      result: outcome.result,
      attempts: outcome.attempts,
      cached: outcome.cached,
    };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      kind: 'schema-failure',
      message: parsed.error.message,
      result: outcome.result,
      attempts: outcome.attempts,
      cached: outcome.cached,
    };
  }
  return { ...outcome, object: parsed.data };
}

export function createModelClient(model: ChatModel, options: GenerateOptions = {}): ModelClient {
  return {
    id: model.id,
    model,
    generate: (request) => generate(model, request, options),
    generateObject: (request, schema, name) => generateObject(model, request, schema, name, options),
  };
}
