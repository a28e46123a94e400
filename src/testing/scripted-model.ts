import type { ChatModel, GenerateRequest, GenerateResult } from '../models/chat-model.js';
import { emptyUsage } from '../records/usage.js';

/** One scripted reply: a plain answer string, or a partial result. */
export type ScriptedReply = string | (Partial<GenerateResult> & { answer: string });
export type ScriptedResponder = (request: GenerateRequest, callIndex: number) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedModel extends ChatModel {
  /** Every request received, in order (like the AI SDK's doGenerateCalls). */
  readonly calls: GenerateRequest[];
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
      if (typeof replies === 'function') reply = await replies(request, index);
      else {
        if (replies.length === 0) throw new Error('scriptedModel: no replies given');
        reply = replies[Math.min(index, replies.length - 1)]!;
      }
      const partial = typeof reply === 'string' ? { answer: reply } : reply;
      return {
        reasoning: null,
        reasoningSource: partial.reasoning ? 'scripted' : 'none',
        finishReason: 'stop',
        usage: { ...emptyUsage },
        latencyMs: 0,
        warnings: [],
        ...partial,
      };
    },
  };
}
