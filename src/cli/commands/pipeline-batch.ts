/**
 * @module cli/commands/pipeline-batch
 * `--via batch`, `--batch-write <dir>`, `--batch-read <dir>` of `deliberate run|generate|judge|select|export`: one
 * batch round over the run's own state. Result files in the folder are read into the request cache first; then the
 * stages run with the teacher, judge and classifier deferring every request the cache cannot answer to the folder's
 * request files, and the run stops at the first stage that waits for them. Nothing is sent.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '../../errors.js';
import { type BatchLimits, openAIBatchLimits } from '../../models/batch-file.js';
import {
  batchSpoolFile,
  listBatchFolder,
  type ReadBatchFolderResult,
  readBatchFolder,
  type WrittenBatchFile,
  writeBatchFolder,
} from '../../models/batch-folder.js';
import type { ChatModel } from '../../models/chat-model.js';
import { createChatModelFromSettings } from '../../models/create-model-client-from-settings.js';
import { asOpenAICompatible, type DeferredModel, deferToBatch } from '../../models/defer-to-batch.js';
import type { OpenAICompatibleModel } from '../../models/openai-compatible-model.js';
import { openRequestCache } from '../../models/request-cache.js';
import type { ModelSettings } from '../../records/model-settings.js';
import type { CliContext } from '../cli-context.js';

/** The roles whose requests go through batch files. */
export const batchRoles = ['teacher', 'judge', 'classifier'];

export interface BatchCommandOptions {
  via?: 'live' | 'batch';
  batchDir?: string;
  batchWrite?: string;
  batchRead?: string;
  batchNodes?: number;
  batchMaxRequests?: number;
  batchMaxBytes?: number;
}

/** Which batch round a command asked for: the folder, and whether its result files must, may or must not be there. */
export interface BatchMode {
  dir: string;
  results: 'required' | 'optional' | 'refused';
  limits: BatchLimits;
}

function wholeNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a positive whole number');
  return number;
}

function parseVia(value: string): 'live' | 'batch' {
  if (value !== 'live' && value !== 'batch') throw new InvalidArgumentError('expected live or batch');
  return value;
}

/** The batch options every pipeline command has. */
export function addBatchOptions(command: Command): Command {
  return command
    .option(
      '--via <live|batch>',
      'batch: read the result files in --batch-dir, then write what is still pending there as batch files and stop where the run waits for them (nothing is sent)',
      parseVia,
    )
    .option('--batch-dir <dir>', 'the folder of --via batch (default: <out>/batch)')
    .option(
      '--batch-write <dir>',
      'write the pending requests as OpenAI Batch / vllm run-batch files into <dir> (nothing is sent)',
    )
    .option(
      '--batch-read <dir>',
      "read <dir>'s result files into the request cache, continue, and write what is still pending",
    )
    .option(
      '--batch-nodes <n>',
      "split each role's requests into at least n files, one per node running vllm run-batch",
      wholeNumber,
    )
    .option('--batch-max-requests <n>', 'requests per batch file at most (OpenAI Batch: 50000)', wholeNumber)
    .option('--batch-max-bytes <n>', 'bytes per batch file at most (OpenAI Batch: 209715200)', wholeNumber);
}

/** The batch round the options ask for, or undefined for a live run. */
export function batchModeOf(
  options: BatchCommandOptions & { cache?: boolean; dryRun?: boolean },
  context: CliContext,
  outDirectory: string,
): BatchMode | undefined {
  const chosen = [
    options.via === 'batch' ? '--via batch' : undefined,
    options.batchWrite === undefined ? undefined : '--batch-write',
    options.batchRead === undefined ? undefined : '--batch-read',
  ].filter((flag) => flag !== undefined);
  if (chosen.length === 0) {
    if (options.batchDir !== undefined) {
      throw new ConfigError('--batch-dir is the folder of --via batch', {
        hint: 'add --via batch, or drop --batch-dir',
      });
    }
    return undefined;
  }
  if (chosen.length > 1) {
    throw new ConfigError(`${chosen.join(' and ')} are one choice`, {
      hint: '--via batch reads and writes --batch-dir; --batch-write <dir> only writes; --batch-read <dir> reads then writes',
    });
  }
  if (options.cache === false) {
    throw new ConfigError('a batch round needs the request cache, and --no-cache turns it off', {
      hint: 'drop --no-cache: batch results reach the run through the request cache',
    });
  }
  if (options.dryRun) {
    throw new ConfigError('--dry-run sends nothing and writes nothing; batch options write batch files', {
      hint: 'run --dry-run alone to see the plan, then the batch round',
    });
  }
  const folder = options.batchWrite ?? options.batchRead ?? options.batchDir;
  return {
    dir: folder === undefined ? path.join(outDirectory, 'batch') : path.resolve(context.cwd, folder),
    results: options.batchRead !== undefined ? 'required' : options.batchWrite !== undefined ? 'refused' : 'optional',
    limits: {
      maxRequests: options.batchMaxRequests ?? openAIBatchLimits.maxRequests,
      maxBytes: options.batchMaxBytes ?? openAIBatchLimits.maxBytes,
      parts: options.batchNodes ?? 1,
    },
  };
}

/** One round in progress: the backends to build the clients on, and the files written at the end. */
export interface BatchRound {
  mode: BatchMode;
  read: ReadBatchFolderResult | null;
  /** The role settings to build clients from (no rate limits: nothing is sent, nothing should wait). */
  models: Record<string, ModelSettings>;
  wrapModel: (model: ChatModel, role: string | undefined) => ChatModel;
  /** true once any role has a request waiting. */
  waiting: () => boolean;
  /** Writes the request files (the previous ones are replaced); call once the stages returned. */
  finish: () => WrittenBatchFile[];
  /** Drops the spools without writing (the run stopped with an error). */
  abandon: () => void;
}

function checkBatchRoles(models: Record<string, ModelSettings>): void {
  for (const [role, settings] of Object.entries(models)) {
    if (batchRoles.includes(role) && settings.provider !== 'openai-compatible') {
      throw new ConfigError(
        `role "${role}" uses provider ${settings.provider}; batch files need an openai-compatible role`,
        {
          location: `models.${role}.provider`,
          hint: 'run this role live (without batch options), or point it at an openai-compatible endpoint',
        },
      );
    }
  }
}

function checkResultFiles(mode: BatchMode): void {
  const { resultFiles } = listBatchFolder(mode.dir);
  if (mode.results === 'refused' && resultFiles.length > 0) {
    throw new ConfigError(
      `${mode.dir} holds result files not read yet: ${resultFiles.map((file) => path.basename(file)).join(', ')}`,
      {
        hint: `read them first with --batch-read ${mode.dir} (it writes the next pending requests too)`,
      },
    );
  }
  if (mode.results === 'required' && resultFiles.length === 0) {
    throw new ConfigError(`no result files in ${mode.dir}`, {
      hint: "save each batch job's output (and error) file in the folder, any name ending in .jsonl other than *.requests*.jsonl",
    });
  }
}

/** Reads the folder's result files with each batch role's own backend (its reasoning parser, harmony…). */
async function readResults(
  mode: BatchMode,
  models: Record<string, ModelSettings>,
  options: { env: Record<string, string | undefined>; cacheFile: string; resolvePath: (relative: string) => string },
): Promise<ReadBatchFolderResult | null> {
  if (listBatchFolder(mode.dir).resultFiles.length === 0) return null;
  const backends: Record<string, OpenAICompatibleModel> = {};
  for (const [role, settings] of Object.entries(models)) {
    if (!batchRoles.includes(role)) continue;
    const backend = asOpenAICompatible(
      createChatModelFromSettings(settings, { env: options.env, role, resolvePath: options.resolvePath }),
    );
    if (backend) backends[role] = backend;
  }
  const cache = openRequestCache(options.cacheFile);
  try {
    return readBatchFolder({ dir: mode.dir, models: backends, cache });
  } finally {
    cache.close();
    for (const backend of Object.values(backends)) await backend.close?.();
  }
}

/** Starts a round: checks the roles and the folder, reads its result files, and prepares the deferring backends. */
export async function startBatchRound(
  mode: BatchMode,
  models: Record<string, ModelSettings>,
  options: { env: Record<string, string | undefined>; cacheFile: string; resolvePath: (relative: string) => string },
): Promise<BatchRound> {
  checkBatchRoles(models);
  checkResultFiles(mode);
  const read = await readResults(mode, models, options);
  const deferred = new Map<string, DeferredModel>();
  const unlimited = Object.fromEntries(
    Object.entries(models).map(([role, settings]) => [
      role,
      batchRoles.includes(role) ? { ...settings, requestsPerMinute: undefined, tokensPerMinute: undefined } : settings,
    ]),
  );
  const closeSpools = () => {
    for (const model of deferred.values()) model.closeSpool();
  };
  return {
    mode,
    read,
    models: unlimited,
    wrapModel(model, role) {
      const backend = role !== undefined && batchRoles.includes(role) ? asOpenAICompatible(model) : undefined;
      if (!backend || role === undefined) return model;
      const wrapped = deferToBatch(backend, {
        role,
        spoolFile: batchSpoolFile(mode.dir, role),
        failures: read?.failures,
      });
      deferred.set(role, wrapped);
      return wrapped.model;
    },
    waiting: () => [...deferred.values()].some((model) => model.pending() > 0),
    finish() {
      closeSpools();
      return writeBatchFolder({
        dir: mode.dir,
        spools: batchRoles.map((role) => ({
          role,
          spoolFile: batchSpoolFile(mode.dir, role),
          pending: deferred.get(role)?.pending() ?? 0,
        })),
        limits: mode.limits,
      });
    },
    abandon() {
      closeSpools();
      for (const role of batchRoles) rmSync(batchSpoolFile(mode.dir, role), { force: true });
    },
  };
}

/** The `batch` object of `--json`: what was read, what waits, and the files to run. */
export function batchSummary(round: BatchRound, written: WrittenBatchFile[]) {
  const waiting: Record<string, number> = {};
  for (const file of written) waiting[file.role] = (waiting[file.role] ?? 0) + file.requests;
  return {
    dir: round.mode.dir,
    read: round.read && {
      files: round.read.files,
      stored: round.read.stored,
      alreadyCached: round.read.alreadyCached,
      failed: [...round.read.failures.values()].map(({ role, location, message }) => ({ role, location, message })),
      movedTo: round.read.archive,
    },
    waiting,
    files: written,
  };
}

function kilobytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

/** What a round read, what waits and how to run it; `again` is the command line that reads the results back. */
export function formatBatchRound(
  round: BatchRound,
  written: WrittenBatchFile[],
  options: { cwd: string; again: string },
): string {
  const shown = (file: string) => path.relative(options.cwd, file) || '.';
  const lines: string[] = [];
  const { read } = round;
  if (read) {
    const failures = [...read.failures.values()];
    const failed =
      failures.length === 0
        ? ''
        : `, ${failures.length} failed (sent again next round; first: ${failures[0]!.location}: ${failures[0]!.message})`;
    const late = read.alreadyCached > 0 ? `, ${read.alreadyCached} already cached` : '';
    lines.push(
      `batch: read ${read.files.length} result file${read.files.length === 1 ? '' : 's'}: ${read.stored} results into the request cache${late}${failed}; moved to ${shown(read.archive!)}`,
    );
  }
  if (written.length === 0) {
    lines.push(`batch: nothing waits in ${shown(round.mode.dir)}; nothing was sent`);
    return `${lines.join('\n')}\n`;
  }
  const total = written.reduce((sum, file) => sum + file.requests, 0);
  lines.push(`batch: ${total} requests wait in ${shown(round.mode.dir)}; nothing was sent`);
  for (const file of written) {
    lines.push(
      `  ${file.role.padEnd(10)} ${String(file.requests).padStart(7)} requests  ${shown(file.file)} (${kilobytes(file.bytes)})`,
    );
  }
  lines.push(`run each file as a batch job and save its output (and error) file in ${shown(round.mode.dir)}:`);
  for (const file of written) {
    const model = (round.models[file.role] as { model?: string } | undefined)?.model ?? '<model>';
    const output = file.file.replace('.requests', '.results');
    lines.push(`  vllm run-batch -i ${shown(file.file)} -o ${shown(output)} --model ${model}`);
  }
  lines.push(
    '  (or the OpenAI Batch API: upload each file with purpose "batch", create a batch with endpoint /v1/chat/completions, download its output and error files)',
    `then: ${options.again}`,
  );
  return `${lines.join('\n')}\n`;
}
