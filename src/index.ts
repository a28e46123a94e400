/**
 * @module deliberate
 * The public library API: re-exports only. Nothing inside src/ imports this file.
 */

export { loadConfig, parseConfig } from './cli/load-config.js';
export * from './errors.js';
export type { GradeInput, Grader, GraderContext } from './evals/grader.js';
export type { ChatModel, GenerateRequest, GenerateResult } from './models/chat-model.js';
export { createModelClient, generate, generateObject } from './models/generate.js';
export type { ModelClient } from './models/model-client.js';
export type { FailureKind, GenerateFailure, GenerateOutcome, GenerateSuccess } from './models/outcome.js';
export * from './records/action.js';
export * from './records/completion.js';
export * from './records/config.js';
export * from './records/grade.js';
export * from './records/judgement.js';
export * from './records/message.js';
export * from './records/model-settings.js';
export * from './records/prompt.js';
export * from './records/spec.js';
export * from './records/training-example.js';
export * from './records/usage.js';
