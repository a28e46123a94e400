/**
 * @module pipeline/pipeline-sections
 * The sections of deliberate.yaml the pipeline reads: prompts and out folder, the roles' models, each stage's
 * settings, the failure policy and the quality gates. Not the spec path (the spec comes loaded), nor eval, guard or
 * reward.
 */
import type { Config } from '../records/config.js';

export type PipelineSections = Pick<
  Config,
  | 'prompts'
  | 'out'
  | 'models'
  | 'intake'
  | 'generate'
  | 'validate'
  | 'judge'
  | 'select'
  | 'export'
  | 'failures'
  | 'quality'
>;

/** The pipeline's sections of a config (the others are left out). */
export function pipelineSections(config: Config): PipelineSections {
  const { prompts, out, models, intake, generate, validate, judge, select, failures, quality } = config;
  return { prompts, out, models, intake, generate, validate, judge, select, export: config.export, failures, quality };
}
