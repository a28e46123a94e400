/**
 * @module cli/commands/run-contrast-prompts
 * `deliberate prompts contrast`: the prompts read through intake, the teacher preflighted, the benign look-alikes
 * written and summarised. Loaded only when the command runs (it brings the model clients).
 */
import path from 'node:path';
import { CancelledError, ConfigError, type RoleUnavailableError } from '../../errors.js';
import { writeJsonl } from '../../io/jsonl.js';
import { type LoadedConfig, loadConfig } from '../../io/load-config.js';
import { createRoleClients } from '../../models/create-model-client-from-settings.js';
import { createRolePreflight } from '../../models/preflight-roles.js';
import { type ContrastResult, contrastPrompts } from '../../pipeline/contrast-prompts.js';
import { preparePrompts } from '../../pipeline/prepare-prompts.js';
import { createRunEvents, type RunEvents } from '../../pipeline/run-events.js';
import type { ModelSettings } from '../../records/model-settings.js';
import type { Prompt } from '../../records/prompt.js';
import type { CliContext } from '../cli-context.js';
import { type PromptsOptions, promptsInput } from './prompts.js';

/** Prompts as JSONL rows that `prompts:` reads back. */
function promptRows(prompts: Prompt[]) {
  return prompts.map((prompt) => ({
    id: prompt.id,
    messages: prompt.messages,
    categories: prompt.categories,
    metadata: prompt.metadata,
  }));
}

export interface ContrastOptions extends PromptsOptions {
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
export async function runContrast(context: CliContext, options: ContrastOptions): Promise<RoleUnavailableError | null> {
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
