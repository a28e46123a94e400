import type { z } from 'zod';
import type { Usage } from '../records/usage.js';
import type { ChatModel, GenerateRequest } from './chat-model.js';
import type { FailureKind, GenerateOutcome } from './outcome.js';

/** Counts kept by one ModelClient: every outcome is counted, none is silent. */
export interface ModelClientStats {
  /** generate/generateObject calls. */
  calls: number;
  /** Backend requests made (HTTP attempts on servers); cache hits make none. */
  requests: number;
  cacheHits: number;
  retries: number;
  outcomes: Record<'success' | FailureKind, number>;
  /** Usage of requests actually made (cache hits cost nothing). */
  usage: Usage;
  /** Estimated cost when the settings carry a price; null otherwise. */
  cost: number | null;
}

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
  /** Counts so far (outcomes, requests, cache hits, usage, cost); optional so hand-written clients stay valid. */
  stats?(): ModelClientStats;
  /** Releases the backend (a loaded GGUF model); the shared cache is closed by whoever opened it. */
  close?(): Promise<void>;
}
