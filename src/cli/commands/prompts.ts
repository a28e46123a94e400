/**
 * @module cli/commands/prompts
 * `deliberate prompts prepare` (read, dedup, decontaminate, report) and `deliberate prompts contrast` (benign
 * look-alikes of harmful prompts, written by the teacher).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError, DeliberateError, type RoleUnavailableError } from '../../errors.js';
import { type LoadedConfig, loadConfig } from '../../io/load-config.js';
import { preferSmallHeap } from '../../io/prefer-small-heap.js';
import { loadSpec } from '../../spec/load-spec.js';
import type { CliContext } from '../cli-context.js';
import { parseFraction } from '../parse-fraction.js';
import type { ContrastOptions } from './run-contrast-prompts.js';
import { preparedReportFile, runPreparePrompts } from './run-prepare-prompts.js';

export interface PromptsOptions {
  config: string;
  in?: string;
  out?: string;
  skipInvalid?: boolean;
  json?: boolean;
}

export function promptsInput(context: CliContext, loaded: LoadedConfig, input: string | undefined): string {
  if (input) return path.resolve(context.cwd, input);
  if (!loaded.config.prompts) {
    throw new ConfigError('no prompts file: pass --in <file> or set `prompts:` in the config', {
      location: loaded.file,
      hint: 'prompts are JSONL, CSV or Parquet rows with `prompt` or `messages`',
    });
  }
  return loaded.resolve(loaded.config.prompts);
}

export function registerPromptsCommand(program: Command, context: CliContext): void {
  const prompts = program.command('prompts').description('Prepare prompts: dedup, decontaminate, benign look-alikes');

  prompts
    .command('prepare')
    .description(
      'Read prompts, drop exact and near duplicates and evaluation-set overlaps, write the kept prompts and a report',
    )
    .option('-c, --config <file>', 'the config file', 'deliberate.yaml')
    .option('--in <file>', 'prompts file (default: prompts in the config)')
    .option('--out <file>', 'where the kept prompts go (default: <out>/prompts.prepared.jsonl)')
    .option('--skip-invalid', 'skip bad rows (counted) instead of stopping at the first')
    .option('--json', 'print the report as JSON')
    .action(async (options: PromptsOptions) => {
      // A million prompts stream through a small live set: a heap that grows no further than it must (io/prefer-small-heap).
      preferSmallHeap();
      const loaded = loadConfig(path.resolve(context.cwd, options.config));
      const outDirectory = loaded.resolve(loaded.config.out);
      const outFile = options.out
        ? path.resolve(context.cwd, options.out)
        : path.join(outDirectory, 'prompts.prepared.jsonl');
      // The report goes beside the prepared prompts: the run's own intake-report.json (which its manifest names) is
      // never overwritten by a preparation.
      const reportFile = preparedReportFile(outFile);
      // Only the category ids are needed here, and no budget warning is printed: the tokenizer is not loaded.
      const spec = await loadSpec(loaded.resolve(loaded.config.spec), { measureTokens: false });
      await runPreparePrompts(context, {
        loaded,
        spec,
        input: promptsInput(context, loaded, options.in),
        outFile,
        reportFile,
        skipInvalid: options.skipInvalid,
        json: options.json,
      });
    });

  prompts
    .command('contrast')
    .description(
      'Have the teacher write benign look-alikes of harmful prompts (idealAction comply, source contrast:<id>)',
    )
    .option('-c, --config <file>', 'the config file', 'deliberate.yaml')
    .option('--in <file>', 'prompts file (default: prompts in the config); prompts labelled comply are skipped')
    .option('--out <file>', 'where the look-alikes go (default: <out>/contrast-prompts.jsonl)')
    .option('--per-prompt <n>', 'look-alikes per harmful prompt', '1')
    .option(
      '--allow-failures <fraction>',
      "exit 0 although up to this fraction of the teacher's calls failed after retries (default: failures.allowFailures, 0)",
      parseFraction,
    )
    .option('--skip-invalid', 'skip bad rows (counted) instead of stopping at the first')
    .option('--json', 'print {status, counts, problems, out} as JSON')
    .action(async (options: ContrastOptions) => {
      let problem: RoleUnavailableError | null;
      try {
        // The teacher's client and the contrast stage load only for this command (prepare stays light).
        const { runContrast } = await import('./run-contrast-prompts.js');
        problem = await runContrast(context, options);
      } catch (error) {
        // --json always prints its object, whatever stopped the command (the preflight, a bad config …).
        if (options.json && DeliberateError.isInstance(error)) {
          context.stdout(`${JSON.stringify({ status: 'failed', problems: [error.format()] })}\n`);
        }
        throw error;
      }
      // The look-alikes written are kept and the summary is printed; the failures still make the command exit non-zero.
      if (problem) throw problem;
    });
}
