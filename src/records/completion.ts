import { z } from 'zod';
import { Usage } from './usage.js';

export const FinishReason = z.enum(['stop', 'length', 'content-filter', 'tool-calls', 'error', 'unknown']);
export type FinishReason = z.infer<typeof FinishReason>;

/** Where the reasoning came from in the backend's response. */
export const ReasoningSource = z.enum([
  'reasoning_content',
  'reasoning',
  'thinking',
  'think-tags',
  'harmony',
  'gguf',
  'scripted',
  'none',
]);
export type ReasoningSource = z.infer<typeof ReasoningSource>;

/** One model output, with `reasoning` and `answer` apart. */
export const Completion = z.object({
  schemaVersion: z.literal(1).default(1),
  id: z.string(),
  promptId: z.string(),
  sampleIndex: z.number().int().nonnegative(),
  modelId: z.string(),
  /** null when the backend returned no reasoning at all; '' for an empty think block. */
  reasoning: z.string().nullable(),
  answer: z.string(),
  reasoningSource: ReasoningSource,
  finishReason: FinishReason,
  usage: Usage,
  latencyMs: z.number().nonnegative(),
  specHash: z.string().nullable(),
  renderedCategoryIds: z.array(z.string()),
  templateId: z.string().nullable(),
  /** The backend's warnings (e.g. reasoning normalisation: several think blocks); absent in records stored before. */
  warnings: z.array(z.string()).optional(),
});
export type Completion = z.infer<typeof Completion>;
