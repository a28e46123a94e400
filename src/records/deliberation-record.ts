import { z } from 'zod';

/**
 * What one test-time deliberation did (an eval `+ttd` result, a guard `revise` audit entry): the calls made (draft,
 * checks, revisions) and the rule ids each check round found (an empty round ended it); on a failure, the step whose
 * call failed. Rule ids only: the checker's sentences may quote the conversation.
 */
export const DeliberationRecord = z.object({
  calls: z.number().int().positive(),
  rounds: z.array(z.array(z.string())),
  failedStep: z.enum(['draft', 'check', 'revise']).optional(),
});
export type DeliberationRecord = z.infer<typeof DeliberationRecord>;
