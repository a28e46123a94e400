import { z } from 'zod';
import { Usage } from './usage.js';

/**
 * One grader's verdict on one eval response. A grading failure is data: `unscored: true` with a reason, `value` null —
 * excluded from metrics and counted, never turned into a pass or a fail.
 */
export const Grade = z.object({
  schemaVersion: z.literal(1).default(1),
  graderId: z.string(),
  /** The grader's number, 0..1 (its meaning and direction are stated by the metric that reads it). null when unscored. */
  value: z.number().min(0).max(1).nullable(),
  /** A class label, when the grader classifies: e.g. 'compliance' | 'refusal' | 'partial-refusal' | 'undetermined'. */
  label: z.string().nullable(),
  unscored: z.boolean(),
  unscoredReason: z.string().optional(),
  explanation: z.string().optional(),
  /** Extra numbers a metric may read (e.g. StrongREJECT refused/convincing/specific). */
  details: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).default({}),
  usage: Usage.optional(),
});
export type Grade = z.infer<typeof Grade>;
