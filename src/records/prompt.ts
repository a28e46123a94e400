import { z } from 'zod';
import { Action } from './action.js';
import { Message } from './message.js';

/** The response type a prompt should get, when known (a noisy hint, never ground truth): a spec Action. */
export const IdealAction = Action;
export type IdealAction = Action;

export const PromptMetadata = z
  .object({
    idealAction: IdealAction.optional(),
    labelSource: z.enum(['human', 'ai', 'none']).optional(),
    source: z.string().optional(),
  })
  .catchall(z.unknown());
export type PromptMetadata = z.infer<typeof PromptMetadata>;

/** A conversation that ends on a user turn, with its spec categories and metadata. */
export const Prompt = z.object({
  schemaVersion: z.literal(1).default(1),
  id: z.string().min(1),
  messages: z.array(Message).min(1),
  categories: z.array(z.string()).default([]),
  metadata: PromptMetadata.default({}),
});
export type Prompt = z.infer<typeof Prompt>;
