/**
 * @module cli/commands/pipeline
 * `deliberate run` (every stage) and `deliberate generate|judge|select|export` (up to that stage), over the same
 * resumable state in the config's out folder.
 */
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { DeliberateError } from '../../errors.js';
import { type LoadedConfig, loadConfig } from '../../io/load-config.js';
import { pipelineSections } from '../../pipeline/pipeline-sections.js';
import { formatRunPlan, type RunPlan } from '../../pipeline/plan-run.js';
import { type PipelineResult, type PipelineStage, runPipeline } from '../../pipeline/run-pipeline.js';
import type { Shard } from '../../pipeline/shard-prompts.js';
import type { Config } from '../../records/config.js';
import { loadSpec } from '../../spec/load-spec.js';
import type { CliContext } from '../cli-context.js';
import { packageVersion } from '../package-version.js';
import { parseFraction } from '../parse-fraction.js';
import { addBatchOptions, type BatchCommandOptions } from './pipeline-batch.js';
import { openPipelineClients } from './pipeline-clients.js';
import { printPipelineResult } from './print-pipeline-result.js';

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
  /** `--limit <n>`: only the first n prompts (after intake and --shard). */
  limit?: number;
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

/** Parses `--limit <n>` (a positive whole number). */
export function parseLimitOption(value: string): number {
  const number = Number(value.trim());
  if (value.trim() === '' || !Number.isInteger(number) || number < 1) {
    throw new InvalidArgumentError('expected a positive whole number, e.g. --limit 20');
  }
  return number;
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

/** The config as this run uses it: the out folder (--out, --shard) and --chat-template over the file's. */
function runConfig(loaded: LoadedConfig, options: PipelineCommandOptions, context: CliContext): Config {
  const { config } = loaded;
  return {
    ...config,
    out: outFolder(context, loaded.resolve(config.out), options),
    export: options.chatTemplate
      ? {
          ...config.export,
          sft: { ...config.export.sft, chatTemplate: path.resolve(context.cwd, options.chatTemplate) },
        }
      : config.export,
  };
}

/** The run options the flags give. */
function flagRunOptions(context: CliContext, until: PipelineStage, options: PipelineCommandOptions) {
  return {
    until,
    promptsFile: options.prompts ? path.resolve(context.cwd, options.prompts) : undefined,
    skipInvalid: options.skipInvalid,
    signal: context.signal,
    progress: { write: context.stderr, interactive: context.interactive },
    toolVersion: packageVersion(),
    allowFailures: options.allowFailures,
    acceptQualityWarnings: options.acceptQualityWarnings,
    shard: options.shard,
    limit: options.limit,
    warn: (message: string) => context.stderr(`warning: ${message}\n`),
    dryRun: options.dryRun,
    // Before paying again: what changed and what this run sends (a dry run prints it as its result).
    onPlan: (plan: RunPlan) => {
      if (!options.dryRun) context.stderr(formatRunPlan(plan));
    },
  };
}

/** Runs the pipeline up to `until` for a config file and prints the summary (or one JSON object with --json). */
export async function runPipelineCommand(
  context: CliContext,
  until: PipelineStage,
  options: PipelineCommandOptions,
): Promise<PipelineResult> {
  const loaded = loadConfig(path.resolve(context.cwd, options.config));
  const config = runConfig(loaded, options, context);
  // The warnings `spec check` prints, printed here too: a run never hides what the check would say.
  const spec = await loadSpec(loaded.resolve(config.spec), {
    onWarning: (formatted) => context.stderr(`${formatted}\n`),
  });
  if (options.merge && options.merge.length > 0) await mergeShardStores(context, config.out, options.merge);
  const { clients, round, preflight, preparePreflight, teacherWindow, close } = await openPipelineClients(
    loaded,
    config,
    options,
    context,
  );
  let printed = false;
  try {
    const result = await runPipeline(pipelineSections(config), clients, {
      ...flagRunOptions(context, until, options),
      ...{
        spec,
        resolve: loaded.resolve,
        configFile: loaded.file,
        teacherWindow,
        preflight,
        preparePreflight,
        stopAfter: round?.waiting,
      },
    });
    printed = printPipelineResult(context, result, round, { until, options });
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
    await close();
  }
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
    .option(
      '--limit <n>',
      'only the first n prompts, in file order after intake (dedup and decontamination read every row) and --shard',
      parseLimitOption,
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
