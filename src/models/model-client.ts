import type { z } from 'zod';
import type { ChatModel, GenerateRequest } from './chat-model.js';
import type { GenerateOutcome } from './outcome.js';

/**
 * A model bound to its wrapper options (cache, limits, retries, call log): what stages and graders hold.
 * Made by `createModelClient` (models/generate.ts); never calls `doGenerate` itself.
 */
export interface ModelClient {
  /** `<provider>:<model>`. */
  readonly id: string;
  readonly model: ChatModel;
  generate(request: GenerateRequest): Promise<GenerateOutcome>;
  /** Structured output: JSON via response_format json_schema (or a grammar), validated with the schema, one repair. */
  generateObject<S extends z.ZodType>(
    request: Omit<GenerateRequest, 'responseSchema'>,
    schema: S,
    name: string,
  ): Promise<GenerateOutcome<z.infer<S>>>;
}
