/**
 * @module cli/commands/print-pipeline-result
 * What `deliberate run` and its stages print on stdout: a dry run's plan, a batch round's request files and what
 * waits (with the command that reads the results back), or the run's summary; one JSON object with --json.
 */
import path from 'node:path';
import { formatRunSummary } from '../../pipeline/format-run-summary.js';
import { formatRunPlan } from '../../pipeline/plan-run.js';
import type { PipelineResult, PipelineStage } from '../../pipeline/run-pipeline.js';
import type { CliContext } from '../cli-context.js';
import type { PipelineCommandOptions } from './pipeline.js';
import { type BatchRound, batchSummary, formatBatchRound } from './pipeline-batch.js';

/** Prints the result; true once it is printed (a batch round is finished by it). */
export function printPipelineResult(
  context: CliContext,
  result: PipelineResult,
  round: BatchRound | undefined,
  how: { until: PipelineStage; options: PipelineCommandOptions },
): boolean {
  const { json } = how.options;
  if (!result.manifest) {
    // --dry-run: the plan, nothing sent.
    if (json) context.stdout(`${JSON.stringify({ status: 'dry-run', plan: result.plan })}\n`);
    else context.stdout(`${formatRunPlan(result.plan!)}dry run: nothing was sent\n`);
    return true;
  }
  if (round) return printBatchRound(context, round, result, how);
  if (json) context.stdout(`${JSON.stringify(result.summary)}\n`);
  else context.stdout(formatRunSummary(result.manifest));
  return true;
}

/** The command line that reads a round's results back: the same command and folder options. */
function againCommand(until: PipelineStage, options: PipelineCommandOptions, round: BatchRound, cwd: string): string {
  const parts = ['deliberate', until === 'export' ? 'run' : until];
  if (options.config !== 'deliberate.yaml') parts.push('-c', options.config);
  if (options.out) parts.push('--out', options.out);
  if (options.shard) parts.push('--shard', `${options.shard.index}/${options.shard.count}`);
  if (options.prompts) parts.push('--prompts', options.prompts);
  if (options.via === 'batch') {
    parts.push('--via', 'batch');
    if (options.batchDir) parts.push('--batch-dir', options.batchDir);
  } else parts.push('--batch-read', path.relative(cwd, round.mode.dir) || '.');
  return parts.join(' ');
}

/** After a batch round: the request files written, and what waits (or, when nothing does, the run's summary). */
function printBatchRound(
  context: CliContext,
  round: BatchRound,
  result: PipelineResult,
  how: { until: PipelineStage; options: PipelineCommandOptions },
): boolean {
  const written = round.finish();
  const batch = batchSummary(round, written);
  if (how.options.json) {
    const object = written.length > 0 ? { status: 'waiting', counts: result.summary.counts } : result.summary;
    context.stdout(`${JSON.stringify({ ...object, batch })}\n`);
    return true;
  }
  const again = againCommand(how.until, how.options, round, context.cwd);
  context.stdout(formatBatchRound(round, written, { cwd: context.cwd, again }));
  if (written.length === 0) context.stdout(formatRunSummary(result.manifest!));
  return true;
}
