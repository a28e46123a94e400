/**
 * @module pipeline/export-conversation
 * The original conversation as exported messages: `role`, `content` (and `name` when set), ending on a user turn.
 * The reasoning of earlier assistant turns is not exported: chat templates drop it (Qwen3 before the last user turn,
 * gpt-oss for every turn but the last), so it would only look as if it were trained on.
 */
import { DataError } from '../errors.js';
import type { TemplateMessage } from '../io/chat-template.js';
import type { Message } from '../records/message.js';

/** The assistant key that carries the chain of thought: `reasoning_content` (Qwen3, TRL, Axolotl) or `thinking` (gpt-oss). */
export type ReasoningKey = 'reasoning_content' | 'thinking';

export interface ExportConversationOptions {
  /** The record id, for error messages. */
  rowId: string;
  location: string;
  /**
   * When set, earlier assistant turns carry this key as an empty string: a `datasets` column unifies message keys,
   * and a `null` reasoning key breaks the gpt-oss template (it tests the key with `is defined`
   * and then renders `null`).
   */
  historyReasoningKey?: ReasoningKey;
}

/** Converts an original conversation to exported messages; it must end on a user turn. */
export function exportConversation(
  messages: readonly Message[],
  options: ExportConversationOptions,
): TemplateMessage[] {
  const last = messages.at(-1);
  if (last === undefined || last.role !== 'user') {
    throw new DataError(
      `row ${options.rowId}: the conversation must end on a user turn, not ${last?.role ?? 'nothing'}`,
      {
        location: options.location,
        hint: 'a training prompt is the conversation up to the user turn the reasoning and answer reply to',
      },
    );
  }
  return messages.map((message) => {
    const exported: TemplateMessage = { role: message.role, content: message.content };
    if (message.name !== undefined) exported.name = message.name;
    if (message.role === 'assistant' && options.historyReasoningKey) exported[options.historyReasoningKey] = '';
    return exported;
  });
}
