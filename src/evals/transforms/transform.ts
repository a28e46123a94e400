/**
 * @module evals/transforms/transform
 * A Transform rewrites the last user turn of an eval item (a jailbreak wrapper, an encoding), and optionally decodes
 * the target's answer before grading. Transforms are pure: the same text, item id and seed give the same output.
 */
import type { Message } from '../../records/message.js';

export interface TransformContext {
  /** The eval item's id: seeded transforms derive their stream from it, so items differ but runs repeat. */
  itemId: string;
  seed: number;
  /** The item's metadata, for a transform that sends a rewrite stored with the item (SpecBench's adversarial prompt). */
  metadata?: Readonly<Record<string, unknown>>;
}

export interface Transform {
  /** Stable name recorded on every result (`none`, `base64`, `rot13`, ...). */
  readonly name: string;
  readonly description: string;
  /** The new request text. */
  apply(request: string, context: TransformContext): string;
  /** Turns an encoded answer back into plain text for the grader; absent when answers come back in plain text. */
  decode?(answer: string): string;
}

/** Applies a transform to the last user message of a conversation. */
export function applyTransform(messages: Message[], transform: Transform, context: TransformContext): Message[] {
  const lastUser = messages.map((message) => message.role).lastIndexOf('user');
  if (lastUser === -1) return messages;
  return messages.map((message, index) =>
    index === lastUser ? { ...message, content: transform.apply(message.content, context) } : message,
  );
}

/** The identity transform: the request as written. */
export const noTransform: Transform = {
  name: 'none',
  description: 'the request as written',
  apply: (request) => request,
};
