/**
 * @module pipeline/pipeline-inputs
 * What a run needs before its first stage, checked at once: the prompts file, the teacher (and the judge when the
 * run reaches the judge stage), the generation template and the judge template.
 */
import { ConfigError } from '../errors.js';
import { type JudgeTemplate, loadJudgeTemplate } from '../grading/judge-completion.js';
import type { ModelClient } from '../models/model-client.js';
import { type GenerationTemplate, loadGenerationTemplate } from './generation-template.js';
import type { PipelineRun, RoleClients } from './pipeline-run.js';

export interface PipelineInputs {
  /** The prompts file as written (relative to the config, or absolute). */
  promptsPath: string;
  teacher: ModelClient;
  /** Set when the run reaches the judge stage. */
  judge: ModelClient | undefined;
  template: GenerationTemplate;
  judgeTemplate: JudgeTemplate | undefined;
}

/** The inputs, or the ConfigError that names what is missing. */
export function pipelineInputs(run: PipelineRun): PipelineInputs {
  const { config, options } = run;
  const promptsPath = options.promptsFile ?? config.prompts;
  if (!promptsPath) {
    throw new ConfigError('no prompts file: set `prompts:` in deliberate.yaml', {
      location: options.configFile,
      hint: 'point `prompts` at a JSONL, CSV or Parquet file of prompts (see examples/prompts.jsonl)',
    });
  }
  const teacher = requireClient(run.clients, 'teacher', 'generate');
  const judge = run.reach('judge') ? requireClient(run.clients, 'judge', 'judge') : undefined;
  const template = loadGenerationTemplate(
    config.generate.template ? options.resolve(config.generate.template) : undefined,
  );
  // Read before any work, so a bad judge template stops the run at once rather than after generation.
  const judgeTemplate =
    judge && config.judge.template ? loadJudgeTemplate(options.resolve(config.judge.template)) : undefined;
  return { promptsPath, teacher, judge, template, judgeTemplate };
}

function requireClient(clients: RoleClients, role: string, stage: string): ModelClient {
  const client = clients[role];
  if (!client) {
    throw new ConfigError(`the ${stage} stage needs a "${role}" model, and models.${role} is not in the config`, {
      location: `models.${role}`,
      hint: `add models.${role} (provider, baseUrl, model) to deliberate.yaml`,
    });
  }
  return client;
}
