/**
 * @module pipeline/finish-run
 * The end of a run: the data-quality gates on the accepted samples, the exports (unless a gate tripped and was not
 * accepted), the counts, the manifest, and the result the CLI prints. A tripped gate still writes the manifest, then
 * stops the run with every gate named.
 */
import { QualityGateError } from '../errors.js';
import type { RunStore } from '../io/run-store.js';
import { checkRunQuality } from './check-run-quality.js';
import type { ExportSummary } from './export-summary.js';
import type { PipelineInputs } from './pipeline-inputs.js';
import type { PipelineRun } from './pipeline-run.js';
import type { RunPlan } from './plan-run.js';
import { formatTrippedGates, type QualityReport } from './quality-gates.js';
import type { RunPrompts } from './read-run-prompts.js';
import { isErrorEvent } from './run-events.js';
import { buildManifest, writeManifest } from './run-manifest.js';
import type { PipelineResult, RunSummary } from './run-pipeline.js';
import type { TokenCounter } from './token-stats.js';
import { writeRunExports } from './write-run-exports.js';
import type { StageOutputs } from './write-run-samples.js';

export interface FinishRunInput {
  inputs: PipelineInputs;
  read: RunPrompts;
  outputs: StageOutputs;
  plan: RunPlan;
  manifestFile: string;
  storeFile: string;
  /** The run store: completions' texts are read back from it (the hint agreement, the selected examples). */
  store?: RunStore;
  /** Counts the exports' length statistics (the run's worker-thread tokenizer); default: Qwen3 on this thread. */
  tokenCounter?: TokenCounter;
}

type Exports = { sft: ExportSummary; rl: ExportSummary };

/** Gates, exports and the manifest; returns the run's result. */
export async function finishRun(run: PipelineRun, input: FinishRunInput): Promise<PipelineResult> {
  const { manifestFile } = input;
  const { quality, blocked, exports } = await exportRun(run, input);
  const counts = runCounts(run, input.read, input.outputs);
  const build = () =>
    buildManifest({
      ...manifestInput(run, input),
      exports,
      quality,
      counts,
      manifestFile,
      storeFile: input.storeFile,
    });
  // The hint agreement reads the judged completions back: one read transaction for them all.
  const manifest = input.store ? input.store.read(build) : build();
  writeManifest(manifestFile, manifest);
  if (blocked && quality && run.reach('export')) throw qualityGateError(quality, manifestFile);
  return {
    manifest,
    plan: input.plan,
    problems: run.problems,
    summary: runSummary(run, counts, exports, manifestFile),
  };
}

/** The quality gates on the accepted samples, then the exports when the run reaches export and no gate blocks it. */
async function exportRun(
  run: PipelineRun,
  { outputs, read, plan, tokenCounter }: FinishRunInput,
): Promise<{ quality: QualityReport | undefined; blocked: boolean; exports: Exports | undefined }> {
  const { selection } = outputs;
  const { spec } = run.options;
  const quality: QualityReport | undefined = selection
    ? checkRunQuality({
        examples: selection.examples,
        judged: outputs.judging.judged,
        spec,
        settings: run.config.quality,
        accepted: run.options.acceptQualityWarnings === true,
      })
    : undefined;
  const blocked = quality !== undefined && quality.tripped > 0 && !quality.accepted;
  if (!selection || !run.reach('export') || blocked) return { quality, blocked, exports: undefined };
  const exports = await run.timed('export', () =>
    writeRunExports({
      examples: selection.examples,
      prompts: read.prompts,
      spec,
      settings: run.config.export,
      outDirectory: run.outDirectory,
      resolve: run.options.resolve,
      previousSpecHash: plan.previousSpecHash,
      tokenCounter,
    }),
  );
  return { quality, blocked, exports };
}

/** What the manifest records of the run and its stages. */
function manifestInput(run: PipelineRun, input: FinishRunInput) {
  const { inputs, read, outputs } = input;
  return {
    config: run.config,
    spec: run.options.spec,
    template: inputs.template,
    clients: run.givenClients,
    intake: read.intake,
    prompts: read.prompts,
    units: outputs.units,
    statuses: outputs.generated.statuses,
    store: input.store,
    validated: outputs.validated,
    judged: outputs.judging.judged,
    selection: outputs.selection,
    events: run.events,
    roleCalls: Object.fromEntries([...run.ledgers].map(([role, ledger]) => [role, ledger()])),
    problems: run.problems.map((problem) => problem.message),
    until: run.until,
    startedAt: run.startedAt,
    stageSeconds: run.stageSeconds,
    toolVersion: run.options.toolVersion,
    configFile: run.options.configFile,
    outDirectory: run.outDirectory,
  };
}

function runCounts(run: PipelineRun, read: RunPrompts, { validated, selection }: StageOutputs): RunSummary['counts'] {
  return {
    prompts: read.prompts.length,
    generations: validated.length,
    accepted: selection?.examples.length ?? 0,
    rejected: selection ? validated.length - selection.examples.length : 0,
    errors: Object.entries(run.events.totals())
      .filter(([kind]) => isErrorEvent(kind))
      .reduce((sum, [, amount]) => sum + amount, 0),
  };
}

function runSummary(
  run: PipelineRun,
  counts: RunSummary['counts'],
  exports: Exports | undefined,
  manifestFile: string,
): RunSummary {
  return {
    status: run.problems.length > 0 ? 'failed' : 'complete',
    counts,
    outputs: { sft: exports?.sft.outFile ?? null, rl: exports?.rl.outFile ?? null, manifest: manifestFile },
    problems: run.problems.map((problem) => problem.format()),
  };
}

function qualityGateError(quality: QualityReport, manifestFile: string): QualityGateError {
  const lines = formatTrippedGates(quality).map((line) => `  - ${line}`);
  return new QualityGateError(
    `${quality.tripped} data-quality gate${quality.tripped === 1 ? '' : 's'} tripped; nothing was exported:\n${lines.join('\n')}\n`,
    {
      location: manifestFile,
      hint: 'fix what each gate names and run again (only the missing work is redone); change a threshold in the quality: section of deliberate.yaml; or pass --accept-quality-warnings to export anyway',
    },
  );
}
