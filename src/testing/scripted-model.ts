import type { ChatModel, GenerateRequest, GenerateResult } from '../models/chat-model.js';
import { emptyUsage } from '../records/usage.js';

/**
 * One scripted reply: a plain answer string, a partial result (e.g. with `reasoning`, `finishReason: 'length'` or
 * `refusal`, to play typed outcomes), or an Error to throw (a transport failure).
 */
export type ScriptedReply = string | (Partial<GenerateResult> & { answer: string }) | Error;
export type ScriptedResponder = (request: GenerateRequest, callIndex: number) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedModel extends ChatModel {
  /** Every request received, in order (like the AI SDK's doGenerateCalls). */
  readonly calls: GenerateRequest[];
}

/** Rejects with the signal's reason as soon as it aborts (so timeouts and cancellation work on scripted models). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A ChatModel that answers from a list (in order; the last repeats) or a function, and records its calls.
 * @example
 * const model = scriptedModel(['{"verdict":"compliant"}']);
 * const client = createModelClient(model);
 */
export function scriptedModel(
  replies: ScriptedReply[] | ScriptedResponder,
  options: { id?: string } = {},
): ScriptedModel {
  const calls: GenerateRequest[] = [];
  const id = options.id ?? 'scripted:model';
  return {
    id,
    cacheIdentity: id,
    calls,
    async doGenerate(request) {
      const index = calls.length;
      calls.push(request);
      let reply: ScriptedReply;
      if (typeof replies === 'function')
        reply = await abortable(Promise.resolve(replies(request, index)), request.signal);
      else {
        if (replies.length === 0) throw new Error('scriptedModel: no replies given');
        reply = replies[Math.min(index, replies.length - 1)]!;
      }
      if (reply instanceof Error) throw reply;
      const partial = typeof reply === 'string' ? { answer: reply } : reply;
      return {
        reasoning: null,
        reasoningSource: typeof partial.reasoning === 'string' ? 'scripted' : 'none',
        finishReason: 'stop',
        usage: { ...emptyUsage },
        latencyMs: 0,
        warnings: [],
        ...partial,
      };
    },
  };
}
