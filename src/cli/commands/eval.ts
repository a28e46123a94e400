/**
 * @module cli/commands/eval
 * `deliberate eval --config deliberate.yaml --targets base,base+spec,trained --benchmarks xstest,strongreject
 *  [--limit n] [--out dir] [--json] [--data name=path] [--no-cache]`: every target on the same items, graded,
 * metrics with bootstrap intervals, one eval log (`<out>/eval-log.json`) that `deliberate report` reads. Resumable.
 */
import type { Command } from 'commander';
import { DeliberateError } from '../../errors.js';
import { builtinBenchmarks } from '../../evals/benchmarks/builtin-benchmarks.js';
import { runEval } from '../../evals/run-eval.js';
import { loadConfig } from '../../io/load-config.js';
import { EvalSettings } from '../../records/eval-settings.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-code.js';
import { packageVersion } from '../package-version.js';
import { openEvalClients } from './eval-clients.js';
import { type EvalCommandOptions, parseEvalFlags } from './eval-flags.js';
import { evalRoles } from './eval-roles.js';
import { evalSectionOf } from './eval-section.js';
import { evalProgressPrinter, printEvalResult } from './print-eval-result.js';

export type { EvalCommandOptions } from './eval-flags.js';

/** Runs `deliberate eval` and prints the metrics table (or one JSON object with --json). */
export async function runEvalCommand(options: EvalCommandOptions, context: CliContext) {
  const flags = parseEvalFlags(options, context.cwd);
  const loaded = loadConfig(flags.configFile);
  const settings = EvalSettings.parse(loaded.config.eval ?? {});
  const roles = evalRoles(loaded, settings, flags.targets);
  const outDir = flags.out ?? loaded.resolve(settings.out);
  const section = await evalSectionOf(loaded, settings, flags, outDir);
  const opened = await openEvalClients(loaded, roles, { outDir, cache: options.cache !== false }, context);
  try {
    const { log, logFile } = await runEval(section, opened.clients, {
      outDir,
      limit: flags.limit,
      concurrency: flags.concurrency,
      config: { file: loaded.file, ...loaded.config },
      deliberateVersion: packageVersion(),
      signal: context.signal,
      onProgress: evalProgressPrinter(context),
      preflight: opened.preflight,
    });
    printEvalResult({ log, logFile, outDir, cost: opened.cost(), json: options.json }, context);
    return { log, logFile };
  } finally {
    await opened.close();
  }
}

export function registerEvalCommand(program: Command, context: CliContext): void {
  program
    .command('eval')
    .description('Evaluate targets (roles; role+spec = spec in context) on benchmarks; writes <out>/eval-log.json')
    .option('-c, --config <file>', 'the config file', 'deliberate.yaml')
    .option(
      '--targets <arms>',
      'comma-separated roles from models (or eval.arms names); role+spec = spec in context; role+ttd[@passes=n] = test-time deliberation (draft, check, revise); role@effort=low, @thinking=off, @max_tokens=n = compute arms; :label=text names an arm; guard:<role> = the role behind the guard',
    )
    .option('--benchmarks <names>', `comma-separated: ${Object.keys(builtinBenchmarks).join(', ')} or your own`)
    .option('--limit <n>', 'a seeded sample of n items per benchmark')
    .option('--out <dir>', 'output folder (default: eval.out in the config, ./evals/latest)')
    .option('--json', 'print one JSON object with the metrics and the log path')
    .option(
      '--data <name=path>',
      'a benchmark data file instead of its public URL (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--concurrency <n>', 'cases in flight at once (default 8; each role keeps its own limits)')
    .option(
      '--no-cache',
      'do not read or write the request cache file (every request is sent; finished cases in the journal are kept)',
    )
    .action(async (options: EvalCommandOptions) => {
      try {
        await runEvalCommand(options, context);
      } catch (error) {
        // --json always prints its object, whatever failed (ExitCode: the object was already printed).
        if (options.json && !(error instanceof ExitCode)) context.stdout(`${JSON.stringify(failedEvalJson(error))}\n`);
        throw error;
      }
    });
}

/** The `--json` object of an eval that stopped: status failed and the error, in the shape of a finished one. */
function failedEvalJson(error: unknown) {
  const message = DeliberateError.isInstance(error)
    ? error.format()
    : error instanceof Error
      ? `internal error: ${error.message}`
      : String(error);
  return { status: 'failed', errors: [message], arms: [], metrics: [], warnings: [], log: null };
}
