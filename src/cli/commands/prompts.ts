/**
 * @module cli/commands/prompts
 * `deliberate prompts prepare` (read, dedup, decontaminate, report) and `deliberate prompts contrast` (benign
 * look-alikes of harmful prompts, written by the teacher).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { CancelledError, ConfigError, DeliberateError, type RoleUnavailableError } from '../../errors.js';
import { writeJsonl } from '../../io/jsonl.js';
import { type LoadedConfig, loadConfig } from '../../io/load-config.js';
import { createRoleClients } from '../../models/create-model-client-from-settings.js';
import { createRolePreflight } from '../../models/preflight-roles.js';
import { checkPromptCategories } from '../../pipeline/categorise-prompts.js';
import { type ContrastResult, contrastPrompts } from '../../pipeline/contrast-prompts.js';
import { preparePrompts } from '../../pipeline/prepare-prompts.js';
import { createRunEvents, type RunEvents } from '../../pipeline/run-events.js';
import type { ModelSettings } from '../../records/model-settings.js';
import type { Prompt } from '../../records/prompt.js';
import { loadSpec } from '../../spec/load-spec.js';
import type { CliContext } from '../cli-context.js';
import { parseFraction } from '../parse-fraction.js';

interface PromptsOptions {
  config: string;
  in?: string;
  out?: string;
  skipInvalid?: boolean;
  json?: boolean;
}

function promptsInput(context: CliContext, loaded: LoadedConfig, input: string | undefined): string {
  if (input) return path.resolve(context.cwd, input);
  if (!loaded.config.prompts) {
    throw new ConfigError('no prompts file: pass --in <file> or set `prompts:` in the config', {
      location: loaded.file,
      hint: 'prompts are JSONL, CSV or Parquet rows with `prompt` or `messages`',
    });
  }
  return loaded.resolve(loaded.config.prompts);
}

/** `prompts.prepared.jsonl` → `prompts.prepared.intake-report.json`, beside it. */
function preparedReportFile(outFile: string): string {
  const extension = path.extname(outFile);
  return path.join(path.dirname(outFile), `${path.basename(outFile, extension)}.intake-report.json`);
}

/** Prompts as JSONL rows that `prompts:` reads back. */
function promptRows(prompts: Prompt[]) {
  return prompts.map((prompt) => ({
    id: prompt.id,
    messages: prompt.messages,
    categories: prompt.categories,
    metadata: prompt.metadata,
  }));
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
      const events = createRunEvents();
      const { prompts: read, report } = await preparePrompts({
        file: promptsInput(context, loaded, options.in),
        settings: loaded.config.intake,
        resolve: loaded.resolve,
        skipInvalid: options.skipInvalid,
        reportFile,
      });
      for (const warning of report.warnings) context.stderr(`warning: ${warning}\n`);
      // A category the spec does not define would stop `run` later: stop here (or drop it with --skip-invalid).
      const kept = checkPromptCategories(read, spec, { skipInvalid: options.skipInvalid, events });
      const unknownCategory = read.length - kept.length;
      writeJsonl(outFile, promptRows(kept));
      if (options.json) {
        context.stdout(
          `${JSON.stringify({ ...report, kept: kept.length, unknownCategory, out: outFile, report: reportFile })}\n`,
        );
        return;
      }
      const reasons = new Map<string, number>();
      for (const removal of report.removed) reasons.set(removal.reason, (reasons.get(removal.reason) ?? 0) + 1);
      context.stdout(
        [
          `${kept.length} of ${report.rows} prompts kept → ${outFile}`,
          `invalid rows skipped: ${report.invalid.length}`,
          ...(unknownCategory > 0 ? [`removed (unknown category, --skip-invalid): ${unknownCategory}`] : []),
          ...[...reasons.entries()].map(([reason, count]) => `removed (${reason}): ${count}`),
          ...report.removed
            .slice(0, 5)
            .map(
              (removal) => `  ${removal.promptId} ${removal.reason} ← ${removal.matchedId}: "${removal.matchedText}"`,
            ),
          `report (every removal with the example it matched): ${reportFile}`,
          '',
        ].join('\n'),
      );
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

interface ContrastOptions extends PromptsOptions {
  perPrompt: string;
  allowFailures?: number;
}

function parsePerPrompt(value: string): number {
  const perPrompt = Number(value);
  if (!Number.isInteger(perPrompt) || perPrompt < 1 || perPrompt > 20) {
    throw new ConfigError(`--per-prompt must be a whole number from 1 to 20, got "${value}"`);
  }
  return perPrompt;
}

function teacherSettings(loaded: LoadedConfig): ModelSettings {
  const teacher = loaded.config.models.teacher;
  if (!teacher) {
    throw new ConfigError('prompts contrast needs a teacher model: models.teacher is not in the config', {
      location: loaded.file,
      hint: 'add models.teacher (provider, baseUrl, model) to deliberate.yaml',
    });
  }
  return teacher;
}

/** `prompts contrast`: read, preflight the teacher, write the look-alikes, print; returns what fails the command. */
async function runContrast(context: CliContext, options: ContrastOptions): Promise<RoleUnavailableError | null> {
  const perPrompt = parsePerPrompt(options.perPrompt);
  const loaded = loadConfig(path.resolve(context.cwd, options.config));
  const { config } = loaded;
  const teacher = teacherSettings(loaded);
  const outDirectory = loaded.resolve(config.out);
  const outFile = options.out
    ? path.resolve(context.cwd, options.out)
    : path.join(outDirectory, 'contrast-prompts.jsonl');
  const { prompts: parents, report } = await preparePrompts({
    file: promptsInput(context, loaded, options.in),
    settings: config.intake,
    resolve: loaded.resolve,
    skipInvalid: options.skipInvalid,
  });
  for (const warning of report.warnings) context.stderr(`warning: ${warning}\n`);
  const roleOptions = { env: context.env, signal: context.signal, resolvePath: loaded.resolve };
  const clients = createRoleClients(
    { teacher },
    { ...roleOptions, cacheFile: path.join(outDirectory, 'request-cache.sqlite') },
  );
  const preflight = createRolePreflight(
    { teacher },
    { ...roleOptions, onWarning: (warning) => context.stderr(`warning: ${warning}\n`) },
  );
  const events = createRunEvents();
  try {
    const result = await contrastPrompts({
      prompts: parents,
      teacher: clients.teacher!,
      perPrompt,
      concurrency: teacher.concurrency ?? 8,
      events,
      signal: context.signal,
      progress: { write: context.stderr, interactive: context.interactive },
      url: teacher.provider === 'gguf' ? teacher.path : teacher.baseUrl,
      failures: {
        allowFailures: options.allowFailures ?? config.failures.allowFailures,
        streakLimit: config.failures.streakLimit,
      },
      beforeFirstRequest: () => preflight.require(['teacher']),
    });
    writeJsonl(outFile, promptRows(result.prompts));
    if (context.signal.aborted) throw new CancelledError();
    printContrast(context, { result, events, outFile, parents, json: options.json === true });
    return result.problem;
  } finally {
    await clients.teacher?.close?.();
  }
}

/** The summary: a failure first (the same words as `run`), then the counts. */
function printContrast(
  context: CliContext,
  how: { result: ContrastResult; events: RunEvents; outFile: string; parents: Prompt[]; json: boolean },
): void {
  const { result, outFile } = how;
  const counts = {
    parents: how.parents.filter((prompt) => prompt.metadata.idealAction !== 'comply').length,
    written: result.prompts.length,
    failed: result.failures.length,
  };
  const problems = result.problem ? [result.problem.format()] : [];
  if (how.json) {
    const status = result.problem ? 'failed' : 'complete';
    const summary = { status, counts, events: how.events.totals(), roleCalls: { teacher: result.roleCalls } };
    context.stdout(`${JSON.stringify({ ...summary, problems, out: outFile })}\n`);
    return;
  }
  const failed = result.failures.map((failure) => `${failure.promptId}: ${failure.kind}`).join(', ');
  context.stdout(
    [
      ...(result.problem ? [`FAILED      ${result.problem.message}`] : []),
      `${counts.written} benign look-alikes of ${counts.parents} prompts → ${outFile}`,
      `failed: ${counts.failed}${failed ? ` (${failed})` : ''}`,
      'review them, then add the file to your prompts (they are labelled idealAction: comply)',
      '',
    ].join('\n'),
  );
}
