import { z } from 'zod';

/**
 * How to reach one model (a Role binds a name such as `teacher` or `judge` to one of these).
 * Every field has its default next to it; docs/models.md explains each field and the presets.
 */

/** Serving engines with known quirks; a preset sets reasoning-field handling, JSON mode and extra body fields. */
export const BackendPreset = z.enum(['vllm', 'sglang', 'ollama', 'llama-cpp', 'openai', 'deepseek', 'together']);
export type BackendPreset = z.infer<typeof BackendPreset>;

/** How structured output is requested: `json-schema` (response_format json_schema), `json-object`, or `prompt` (ask in the prompt, validate after). */
export const StructuredOutputMode = z.enum(['json-schema', 'json-object', 'prompt']);
export type StructuredOutputMode = z.infer<typeof StructuredOutputMode>;

/** Price per million tokens, for cost estimates (any currency; reports say "cost units" unless you know it is USD). */
export const ModelPrice = z
  .object({
    inputPerMillion: z.number().nonnegative(),
    outputPerMillion: z.number().nonnegative(),
  })
  .strict();
export type ModelPrice = z.infer<typeof ModelPrice>;

const common = {
  /** Per-request timeout in milliseconds (a streaming request's whole duration). */
  timeoutMs: z.number().int().positive().default(600_000),
  /** Retries after the first attempt on 429, 5xx, timeouts, connection resets and malformed bodies. */
  maxRetries: z.number().int().nonnegative().default(5),
  /** First backoff delay; doubles each retry, with jitter, capped by retryMaxDelayMs. `Retry-After` wins when sent. */
  retryBaseDelayMs: z.number().int().nonnegative().default(1_000),
  retryMaxDelayMs: z.number().int().nonnegative().default(120_000),
  concurrency: z.number().int().positive().default(8),
  requestsPerMinute: z.number().int().positive().optional(),
  tokensPerMinute: z.number().int().positive().optional(),
  maxTokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  /** The chat template already opened `<think>`: text before `</think>` is reasoning even without an opening tag. */
  prefilledThink: z.boolean().default(false),
  /** On `no-answer` (budget spent reasoning), retry once with this larger max_tokens. Off when unset. */
  noAnswerRetryMaxTokens: z.number().int().positive().optional(),
  price: ModelPrice.optional(),
  /**
   * The model's context window in tokens: prompts that cannot fit are rejected at intake (else what the server says,
   * models/server-context-window.ts, else intake.defaultContextWindow).
   */
  contextWindow: z.number().int().positive().optional(),
};

export const OpenAICompatibleSettings = z
  .object({
    provider: z.literal('openai-compatible'),
    baseUrl: z.string().url(),
    model: z.string().min(1),
    /** Name of the environment variable holding the API key (the key itself never goes in the config). */
    apiKeyEnv: z.string().optional(),
    /** Engine preset (docs/models.md): reasoning field in history, JSON mode, extra body fields. */
    preset: BackendPreset.optional(),
    /** Stream the response (SSE). The result is the same; long generations are less likely to hit proxy timeouts. */
    stream: z.boolean().default(false),
    /** Extra request body fields, merged over the preset's, e.g. `chat_template_kwargs: { enable_thinking: true }`. */
    extraBody: z
      .record(z.string(), z.unknown())
      .refine((body) => !Object.keys(body).some((key) => key.startsWith('guided_')), {
        message:
          'guided_json/guided_regex/guided_choice/guided_grammar were removed in vLLM v0.12 and are silently ignored; structured output is sent as response_format json_schema (or use extraBody.structured_outputs)',
      })
      .optional(),
    /** Overrides the preset's structured-output mode. */
    structuredOutput: StructuredOutputMode.optional(),
    /** A harmony model (gpt-oss, gpt-oss-safeguard): JSON is asked for in the prompt, never constrained. */
    harmony: z.boolean().default(false),
    ...common,
  })
  .strict();
export type OpenAICompatibleSettings = z.infer<typeof OpenAICompatibleSettings>;

export const GgufSettings = z
  .object({
    provider: z.literal('gguf'),
    /** Path to a .gguf file (relative paths are resolved against the config file's folder by the CLI). */
    path: z.string().min(1),
    /** CPU threads; unset lets node-llama-cpp choose. Use 1 in tests on small machines. */
    threads: z.number().int().positive().optional(),
    /** Context size in tokens (≥ 1024; smaller contexts fail on chat history). */
    contextSize: z.number().int().min(1024).default(4096),
    /** Use the GPU when node-llama-cpp has a GPU build; default CPU. */
    gpu: z.boolean().default(false),
    ...common,
  })
  .strict();
export type GgufSettings = z.infer<typeof GgufSettings>;

export const ModelSettings = z.discriminatedUnion('provider', [OpenAICompatibleSettings, GgufSettings]);
export type ModelSettings = z.infer<typeof ModelSettings>;
/** Settings as written in a config (defaults not yet applied). */
export type ModelSettingsInput = z.input<typeof ModelSettings>;
