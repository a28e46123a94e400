import { z } from 'zod';

/** One chat turn. `reasoning` is the chain of thought of an assistant turn, kept apart from `content`. */
export const Message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.string(),
  reasoning: z.string().optional(),
  name: z.string().optional(),
});
export type Message = z.infer<typeof Message>;
