import { z } from 'zod';

/** What a response does, as decided by the spec's rules. */
export const Action = z.enum(['allow', 'refuse', 'safe-complete', 'escalate']);
export type Action = z.infer<typeof Action>;
