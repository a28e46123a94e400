/**
 * @module pipeline/run-judge-stage
 * The judge stage of a run: the judge's verdicts on every validated completion not judged yet, then the judge's
 * failure check; a batch round whose requests wait in batch files ends the run here. Skipped (nothing judged) when
 * the run stops before judging.
 */
import type { RunStore } from '../io/run-store.js';
import { type JudgeVerdict, judgeSamples, type ValidatedCompletion } from './judge-samples.js';
import type { PipelineInputs } from './pipeline-inputs.js';
import type { PipelineRun } from './pipeline-run.js';
import { type JudgementsFile, openJudgementsFile } from './write-run-samples.js';

export interface JudgeStageResult {
  /** false when the run stopped before judging (or has no judge): nothing was judged, no verdicts file is written. */
  ran: boolean;
  /** Completion id → its judge verdict (the runs' judgements stay in the store). */
  judged: Map<string, JudgeVerdict>;
  /** This run's judge errors by completion id (not stored: the next run judges again). */
  judgeFailures: Map<string, { kind: 'judge-error'; message: string }>;
  /** judgements.jsonl, written while the stage ran: writeRunSamples renames it into place (the run aborts it). */
  judgements?: JudgementsFile;
}

/** Judges the validated completions without findings (when the run reaches the judge stage). */
export async function runJudgeStage(
  run: PipelineRun,
  { judge, judgeTemplate }: PipelineInputs,
  validated: ValidatedCompletion[],
  store: RunStore,
): Promise<JudgeStageResult> {
  const judgeFailures: JudgeStageResult['judgeFailures'] = new Map();
  if (!judge || !run.reach('judge')) return { ran: false, judged: new Map(), judgeFailures };
  const { config } = run;
  const judgements = openJudgementsFile(run.outDirectory);
  try {
    const judged = await run.timed('judge', () =>
      judgeSamples({
        validated,
        spec: run.options.spec,
        judge,
        settings: config.judge,
        template: judgeTemplate,
        threshold: config.select.threshold,
        store,
        events: run.events,
        concurrency: run.concurrencyOf('judge'),
        signal: run.stageSignal,
        progress: run.options.progress,
        beforeFirstRequest: run.preflight('judge'),
        transientFailures: judgeFailures,
        onRecord: judgements.write,
      }),
    );
    run.checkRole('judge', validated.filter((entry) => entry.findings.length === 0).length * config.judge.runs);
    if (run.reach('select') && run.options.stopAfter?.('judge')) run.until = 'judge';
    return { ran: true, judged, judgeFailures, judgements };
  } catch (error) {
    judgements.abort();
    throw error;
  }
}
