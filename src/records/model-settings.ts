import { z } from 'zod';

/**
 * How to reach one model (a Role binds a name such as `teacher` or `judge` to one of these).
 * Extended by the model layer; every field has a default next to it.
 */
const common = {
  /** Per-request timeout in milliseconds. */
  timeoutMs: z.number().int().positive().default(600_000),
  maxRetries: z.number().int().nonnegative().default(5),
  concurrency: z.number().int().positive().default(8),
  requestsPerMinute: z.number().int().positive().optional(),
  tokensPerMinute: z.number().int().positive().optional(),
  maxTokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
};

export const OpenAICompatibleSettings = z.object({
  provider: z.literal('openai-compatible'),
  baseUrl: z.string().url(),
  model: z.string().min(1),
  /** Name of the environment variable holding the API key (the key itself never goes in the config). */
  apiKeyEnv: z.string().optional(),
  ...common,
});

export const GgufSettings = z.object({
  provider: z.literal('gguf'),
  /** Path to a .gguf file. */
  path: z.string().min(1),
  ...common,
});

export const ModelSettings = z.discriminatedUnion('provider', [OpenAICompatibleSettings, GgufSettings]);
export type ModelSettings = z.infer<typeof ModelSettings>;
