import { z } from 'zod';
import { Message } from './message.js';
import { PromptMetadata } from './prompt.js';

/**
 * One accepted sample, ready for export: the ORIGINAL conversation (no spec text), the teacher's reasoning and answer,
 * and provenance. Produced by the select stage, consumed by the SFT exporters.
 */
export const TrainingExample = z.object({
  schemaVersion: z.literal(1).default(1),
  id: z.string(),
  promptId: z.string(),
  completionId: z.string(),
  messages: z.array(Message).min(1),
  reasoning: z.string(),
  answer: z.string(),
  categories: z.array(z.string()),
  metadata: PromptMetadata,
  /** The min-aggregated judge score that selected it. */
  score: z.number().min(0).max(1),
  specHash: z.string(),
  specVersion: z.string(),
  templateId: z.string(),
  teacherModelId: z.string(),
  judgementIds: z.array(z.string()),
});
export type TrainingExample = z.infer<typeof TrainingExample>;
