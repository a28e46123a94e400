/**
 * @module cli/commands/prompts
 * `deliberate prompts prepare` (read, dedup, decontaminate, report) and `deliberate prompts contrast` (benign
 * look-alikes of harmful prompts, written by the teacher).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { writeJsonl } from '../../io/jsonl.js';
import { type LoadedConfig, loadConfig } from '../../io/load-config.js';
import { createRoleClients } from '../../models/create-model-client-from-settings.js';
import { checkPromptCategories } from '../../pipeline/categorise-prompts.js';
import { contrastPrompts } from '../../pipeline/contrast-prompts.js';
import { preparePrompts } from '../../pipeline/prepare-prompts.js';
import { createRunEvents } from '../../pipeline/run-events.js';
import type { Prompt } from '../../records/prompt.js';
import { loadSpec } from '../../spec/load-spec.js';
import type { CliContext } from '../cli-context.js';

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
      const spec = await loadSpec(loaded.resolve(loaded.config.spec));
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
    .option('--skip-invalid', 'skip bad rows (counted) instead of stopping at the first')
    .option('--json', 'print {counts, out} as JSON')
    .action(async (options: PromptsOptions & { perPrompt: string }) => {
      const perPrompt = Number(options.perPrompt);
      if (!Number.isInteger(perPrompt) || perPrompt < 1 || perPrompt > 20) {
        throw new ConfigError(`--per-prompt must be a whole number from 1 to 20, got "${options.perPrompt}"`);
      }
      const loaded = loadConfig(path.resolve(context.cwd, options.config));
      const { config } = loaded;
      if (!config.models.teacher) {
        throw new ConfigError('prompts contrast needs a teacher model: models.teacher is not in the config', {
          location: loaded.file,
          hint: 'add models.teacher (provider, baseUrl, model) to deliberate.yaml',
        });
      }
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
      const clients = createRoleClients(
        { teacher: config.models.teacher },
        {
          env: context.env,
          cacheFile: path.join(outDirectory, 'request-cache.sqlite'),
          signal: context.signal,
          resolvePath: loaded.resolve,
        },
      );
      const events = createRunEvents();
      try {
        const result = await contrastPrompts({
          prompts: parents,
          teacher: clients.teacher!,
          perPrompt,
          concurrency: config.models.teacher.concurrency ?? 8,
          events,
          signal: context.signal,
          progress: { write: context.stderr, interactive: context.interactive },
        });
        writeJsonl(outFile, promptRows(result.prompts));
        const counts = {
          parents: parents.filter((prompt) => prompt.metadata.idealAction !== 'comply').length,
          written: result.prompts.length,
          failed: result.failures.length,
        };
        if (options.json) context.stdout(`${JSON.stringify({ counts, events: events.totals(), out: outFile })}\n`);
        else {
          context.stdout(
            [
              `${counts.written} benign look-alikes of ${counts.parents} prompts → ${outFile}`,
              `failed: ${counts.failed}${result.failures.length > 0 ? ` (${result.failures.map((failure) => `${failure.promptId}: ${failure.kind}`).join(', ')})` : ''}`,
              'review them, then add the file to your prompts (they are labelled idealAction: comply)',
              '',
            ].join('\n'),
          );
        }
      } finally {
        await clients.teacher?.close?.();
      }
    });
}
