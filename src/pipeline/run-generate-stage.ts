/**
 * @module pipeline/run-generate-stage
 * The generate stage of a run: the teacher's completions of every unit not stored yet, then the teacher's failure
 * check; a batch round whose requests wait in batch files ends the run here.
 */
import type { RunStore } from '../io/run-store.js';
import type { Completion } from '../records/completion.js';
import {
  type GenerateSamplesOptions,
  type GenerationStatus,
  type GenerationUnit,
  generateSamples,
} from './generate-samples.js';
import type { PipelineRun } from './pipeline-run.js';

export type GenerationOptions = Pick<GenerateSamplesOptions, 'prompts' | 'spec' | 'teacher' | 'template' | 'settings'>;

export interface GenerateStageResult {
  /** Every stored unit's status by unit key (the records stay in the run store). */
  statuses: Map<string, GenerationStatus>;
  /** This run's transport failures by unit key (not stored: the next run retries them). */
  teacherFailures: Map<string, { kind: 'transport-failure'; message: string }>;
}

/** Generates the missing samples of `units`; `onCompletion` sees each new completion as it is stored. */
export async function runGenerateStage(
  run: PipelineRun,
  generation: GenerationOptions,
  units: readonly GenerationUnit[],
  store: RunStore,
  onCompletion?: (unitKey: string, completion: Completion) => void,
): Promise<GenerateStageResult> {
  const teacherFailures: GenerateStageResult['teacherFailures'] = new Map();
  const statuses = await run.timed('generate', () =>
    generateSamples({
      ...generation,
      units,
      store,
      onCompletion,
      events: run.events,
      concurrency: run.concurrencyOf('teacher'),
      signal: run.stageSignal,
      progress: run.options.progress,
      beforeFirstRequest: async () => {
        await run.preflight('teacher')();
        // Generate has work, so the judge will have too: its check runs while the teacher generates.
        if (run.reach('judge')) run.preparePreflight('judge');
      },
      transientFailures: teacherFailures,
    }),
  );
  run.checkRole('teacher', units.length);
  if (run.reach('judge') && run.options.stopAfter?.('generate')) run.until = 'generate';
  return { statuses, teacherFailures };
}
