/**
 * @module cli/commands/pipeline
 * `deliberate run` (every stage) and `deliberate generate|judge|select|export` (up to that stage), over the same
 * resumable state in the config's out folder.
 */
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { DeliberateError } from '../../errors.js';
import { loadConfig } from '../../io/load-config.js';
import { createRoleClients } from '../../models/create-model-client-from-settings.js';
import { createRolePreflight } from '../../models/preflight-roles.js';
import { resolveContextWindow } from '../../models/server-context-window.js';
import { formatRunSummary } from '../../pipeline/format-run-summary.js';
import { pipelineSections } from '../../pipeline/pipeline-sections.js';
import { formatRunPlan } from '../../pipeline/plan-run.js';
import { type PipelineResult, type PipelineStage, runPipeline } from '../../pipeline/run-pipeline.js';
import type { Shard } from '../../pipeline/shard-prompts.js';
import { loadSpec } from '../../spec/load-spec.js';
import type { CliContext } from '../cli-context.js';
import { packageVersion } from '../package-version.js';
import { parseFraction } from '../parse-fraction.js';
import {
  addBatchOptions,
  type BatchCommandOptions,
  type BatchRound,
  batchModeOf,
  batchSummary,
  formatBatchRound,
  startBatchRound,
} from './pipeline-batch.js';

export interface PipelineCommandOptions extends BatchCommandOptions {
  config: string;
  json?: boolean;
  /** commander sets `cache: false` for `--no-cache`. */
  cache?: boolean;
  skipInvalid?: boolean;
  prompts?: string;
  /** A tokenizer_config.json: render-check every SFT row with its chat template (overrides export.sft.chatTemplate). */
  chatTemplate?: string;
  /** `--allow-failures <fraction>`: overrides failures.allowFailures. */
  allowFailures?: number;
  /** Export although a data-quality gate tripped. */
  acceptQualityWarnings?: boolean;
  /** `--dry-run`: print the plan (requests, tokens, cost per role) and send nothing. */
  dryRun?: boolean;
  /** `i/n`: run only shard i of n (prompts partitioned by id). */
  shard?: Shard;
  /** The out folder instead of the config's (default for a shard: <out>/shard-<i>-of-<n>). */
  out?: string;
  /** export --merge: the out folders of shard runs to join into the config's out folder first. */
  merge?: string[];
}

/** Parses `--shard i/n` (1 ≤ i ≤ n). */
export function parseShardOption(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new InvalidArgumentError('expected i/n with 1 ≤ i ≤ n, e.g. --shard 2/3');
  }
  return { index, count };
}

/** The out folder of a run: --out, else the config's (a shard's own subfolder of it). */
function outFolder(context: CliContext, configOut: string, options: PipelineCommandOptions): string {
  if (options.out) return path.resolve(context.cwd, options.out);
  if (options.shard && options.shard.count > 1)
    return path.join(configOut, `shard-${options.shard.index}-of-${options.shard.count}`);
  return configOut;
}

/** export --merge: every shard's finished units go into the run store of the out folder. */
async function mergeShardStores(context: CliContext, outDirectory: string, shardFolders: string[]): Promise<void> {
  const { openRunStore } = await import('../../io/run-store.js');
  const store = openRunStore(path.join(outDirectory, 'run.sqlite'));
  try {
    for (const folder of shardFolders) {
      const added = store.importUnits(path.join(path.resolve(context.cwd, folder), 'run.sqlite'));
      context.stderr(`merge: ${added} finished units from ${folder}\n`);
    }
  } finally {
    store.close();
  }
}

/** The roles `run` and its stages use. */
const pipelineRoles = ['teacher', 'judge', 'classifier'];

/** Runs the pipeline up to `until` for a config file and prints the summary (or one JSON object with --json). */
export async function runPipelineCommand(
  context: CliContext,
  until: PipelineStage,
  options: PipelineCommandOptions,
): Promise<PipelineResult> {
  const loaded = loadConfig(path.resolve(context.cwd, options.config));
  const outDirectory = outFolder(context, loaded.resolve(loaded.config.out), options);
  const config = {
    ...loaded.config,
    out: outDirectory,
    export: options.chatTemplate
      ? {
          ...loaded.config.export,
          sft: { ...loaded.config.export.sft, chatTemplate: path.resolve(context.cwd, options.chatTemplate) },
        }
      : loaded.config.export,
  };
  // The warnings `spec check` prints, printed here too: a run never hides what the check would say.
  const spec = await loadSpec(loaded.resolve(config.spec), {
    onWarning: (formatted) => context.stderr(`${formatted}\n`),
  });
  if (options.merge && options.merge.length > 0) await mergeShardStores(context, outDirectory, options.merge);
  // Only the roles the pipeline uses: an eval-only role (`trained`) without its API key must not stop a run.
  const pipelineModels = Object.fromEntries(
    Object.entries(config.models).filter(([role]) => pipelineRoles.includes(role)),
  );
  // --no-cache does not open the cache file at all (a damaged one cannot stop the run).
  const cacheFile = options.cache === false ? undefined : path.join(outDirectory, 'request-cache.sqlite');
  // A batch round: result files read into the cache first, then every request the cache cannot answer is deferred.
  const batchMode = batchModeOf(options, context, outDirectory);
  const round = batchMode
    ? await startBatchRound(batchMode, pipelineModels, {
        env: context.env,
        cacheFile: cacheFile!,
        resolvePath: loaded.resolve,
      })
    : undefined;
  const clients = createRoleClients(round?.models ?? pipelineModels, {
    env: context.env,
    cacheFile,
    wrapModel: round?.wrapModel,
    callLogFile: path.join(outDirectory, 'calls.jsonl'),
    signal: context.signal,
    resolvePath: loaded.resolve,
  });
  const preflight = createRolePreflight(pipelineModels, {
    env: context.env,
    signal: context.signal,
    resolvePath: loaded.resolve,
    onWarning: (warning) => context.stderr(`warning: ${warning}\n`),
  });
  // No contextWindow in the teacher's settings: ask its server once (failing to learn it is not an error).
  const teacherWindow = await resolveContextWindow(
    'teacher',
    config.models.teacher,
    { contextWindow: config.intake.defaultContextWindow, windowSource: 'intake.defaultContextWindow' },
    { env: context.env, signal: context.signal, onWarning: (warning) => context.stderr(`warning: ${warning}\n`) },
  );
  let printed = false;
  try {
    const result = await runPipeline(pipelineSections(config), clients, {
      teacherWindow,
      spec,
      resolve: loaded.resolve,
      until,
      promptsFile: options.prompts ? path.resolve(context.cwd, options.prompts) : undefined,
      skipInvalid: options.skipInvalid,
      signal: context.signal,
      progress: { write: context.stderr, interactive: context.interactive },
      toolVersion: packageVersion(),
      configFile: loaded.file,
      // A batch round sends nothing, so there is no endpoint to check.
      preflight: round ? async () => {} : (roles) => preflight.require(roles),
      stopAfter: round?.waiting,
      allowFailures: options.allowFailures,
      acceptQualityWarnings: options.acceptQualityWarnings,
      shard: options.shard,
      warn: (message) => context.stderr(`warning: ${message}\n`),
      dryRun: options.dryRun,
      // Before paying again: what changed and what this run sends (a dry run prints it as its result).
      onPlan: (plan) => {
        if (!options.dryRun) context.stderr(formatRunPlan(plan));
      },
    });
    if (!result.manifest) {
      // --dry-run: the plan, nothing sent.
      if (options.json) context.stdout(`${JSON.stringify({ status: 'dry-run', plan: result.plan })}\n`);
      else context.stdout(`${formatRunPlan(result.plan!)}dry run: nothing was sent\n`);
      return result;
    }
    if (round) printed = printBatchRound(context, round, result, { until, options });
    else if (options.json) context.stdout(`${JSON.stringify(result.summary)}\n`);
    else context.stdout(formatRunSummary(result.manifest));
    printed = true;
    // The outputs are written and the summary printed; the failures still make the command exit non-zero.
    if (result.problems.length > 0) throw result.problems[0];
    return result;
  } catch (error) {
    if (round && !printed) round.abandon();
    // --json always prints its object, whatever stopped the run.
    if (options.json && DeliberateError.isInstance(error) && !printed) {
      context.stdout(`${JSON.stringify({ status: 'failed', problems: [error.format()] })}\n`);
    }
    throw error;
  } finally {
    for (const client of Object.values(clients)) await client.close?.();
  }
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

/** The options of every pipeline command; `exports`: the two export options, for the commands that export. */
function addPipelineOptions(command: Command, exports: boolean): Command {
  command
    .option(
      '--allow-failures <fraction>',
      "exit 0 although up to this fraction of a required role's calls failed after retries (default: failures.allowFailures, 0)",
      parseFraction,
    )
    .option('--dry-run', 'print what the run would send (requests, tokens and cost per role) and send nothing')
    .option('-c, --config <file>', 'the config file', 'deliberate.yaml')
    .option('--json', 'print one JSON object {counts, outputs} on stdout')
    .option(
      '--no-cache',
      'do not read or write the request cache file (every request is sent; finished units in the run state are kept)',
    )
    .option('--skip-invalid', 'skip bad prompt rows (counted in the summary) instead of stopping at the first')
    .option('--prompts <file>', 'a prompts file instead of the one in the config')
    .option(
      '--shard <i/n>',
      'run only shard i of n (prompts partitioned by id; out: <out>/shard-i-of-n)',
      parseShardOption,
    )
    .option('--out <dir>', 'the out folder instead of the one in the config');
  addBatchOptions(command);
  if (!exports) return command;
  return command
    .option(
      '--chat-template <file>',
      "render every SFT row with this tokenizer_config.json's chat template; fail if the reasoning is lost or spec text is in a prompt",
    )
    .option(
      '--accept-quality-warnings',
      'export even when a data-quality gate trips (the manifest records the tripped gates as accepted)',
    );
}

export function registerPipelineCommands(program: Command, context: CliContext): void {
  addPipelineOptions(
    program
      .command('run')
      .description('Run the whole pipeline: prompts → generate → validate → judge → select → export (resumable)'),
    true,
  ).action(async (options: PipelineCommandOptions) => {
    await runPipelineCommand(context, 'export', options);
  });
  const stages: Array<[PipelineStage, string]> = [
    ['generate', "Prepare prompts and generate the teacher's completions (validated), stopping before the judge"],
    ['judge', 'Run up to the judge stage (generating what is missing)'],
    ['select', 'Run up to selection: samples.jsonl says why each sample was kept or dropped'],
    ['export', 'Run up to export: the SFT and RL files (same as run)'],
  ];
  for (const [stage, description] of stages) {
    const command = addPipelineOptions(program.command(stage).description(description), stage === 'export');
    if (stage === 'export')
      command.option(
        '--merge <dirs...>',
        "join these shard runs' out folders into the out folder first (the files of one run over all prompts)",
      );
    command.action(async (options: PipelineCommandOptions) => {
      await runPipelineCommand(context, stage, options);
    });
  }
}
