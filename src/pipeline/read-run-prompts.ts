/**
 * @module pipeline/read-run-prompts
 * The intake and categorise stages of a run: the prompts file read, deduplicated and decontaminated (every prompt,
 * also in a shard run, so each shard removes what a single run removes), this shard's prompts checked against the
 * spec's categories and the teacher's context window, and unlabelled prompts categorised by the classifier.
 */
import type { RunStore } from '../io/run-store.js';
import type { ContextWindow } from '../models/server-context-window.js';
import type { Prompt } from '../records/prompt.js';
import { categorisePrompts, checkPromptCategories } from './categorise-prompts.js';
import { checkPromptFit } from './check-prompt-fit.js';
import type { PipelineInputs } from './pipeline-inputs.js';
import type { PipelineRun } from './pipeline-run.js';
import type { PipelineSections } from './pipeline-sections.js';
import { type IntakeReport, intakeReportFile, preparePrompts } from './prepare-prompts.js';
import { promptsOfShard } from './shard-prompts.js';

type PreparedPrompts = Awaited<ReturnType<typeof preparePrompts>>;

export interface RunPrompts {
  intake: IntakeReport;
  prompts: Prompt[];
}

/** The prompts this run generates for, each with its categories. */
export async function readRunPrompts(run: PipelineRun, inputs: PipelineInputs, store: RunStore): Promise<RunPrompts> {
  const { options, events } = run;
  const { spec } = options;
  const intake = await run.timed('intake', () =>
    preparePrompts({
      file: options.resolve(inputs.promptsPath),
      settings: run.config.intake,
      resolve: options.resolve,
      skipInvalid: options.skipInvalid,
      events,
      reportFile: options.dryRun ? undefined : intakeReportFile(run.outDirectory),
    }),
  );
  for (const warning of intake.report.warnings) options.warn?.(warning);
  const prompts = await run.timed('categorise', () =>
    categorisePrompts({
      prompts: checkedPrompts(run, inputs, intake),
      spec,
      // A dry run sends nothing: unlabelled prompts are planned with the summary-only spec.
      classifier: options.dryRun ? undefined : run.clients.classifier,
      store,
      events,
      concurrency: run.concurrencyOf('classifier'),
      signal: run.stageSignal,
      progress: options.progress,
      beforeFirstRequest: run.preflight('classifier'),
    }),
  );
  run.checkRole('classifier');
  return { intake: intake.report, prompts };
}

/** This shard's prompts (the first `limit` of them) whose categories the spec has and that fit the teacher's context window. */
function checkedPrompts(run: PipelineRun, inputs: PipelineInputs, intake: PreparedPrompts): Prompt[] {
  const { options, events, config } = run;
  const { spec } = options;
  const shardPrompts = options.shard ? promptsOfShard(intake.prompts, options.shard) : intake.prompts;
  const limited = options.limit === undefined ? shardPrompts : shardPrompts.slice(0, options.limit);
  const known = checkPromptCategories(limited, spec, {
    skipInvalid: options.skipInvalid,
    events,
    locations: intake.locations,
  });
  return checkPromptFit(known, {
    spec,
    template: inputs.template,
    maxTokens: config.generate.maxTokens,
    ...teacherWindow(config, options.teacherWindow),
    skipInvalid: options.skipInvalid,
    events,
    locations: intake.locations,
  });
}

/** The teacher's context window: its settings' `contextWindow`, else what the server said, else the intake default. */
function teacherWindow(config: PipelineSections, fromServer: ContextWindow | undefined): ContextWindow {
  const own = config.models.teacher?.contextWindow;
  if (own !== undefined) return { contextWindow: own, windowSource: 'models.teacher.contextWindow' };
  return (
    fromServer ?? { contextWindow: config.intake.defaultContextWindow, windowSource: 'intake.defaultContextWindow' }
  );
}
