/**
 * @module cli/commands/calibrate
 * `deliberate calibrate --grader <name> --data <file> --format xstest-labelled|jbb [--json]`: a grader against human
 * labels, with the string-match baseline beside it. Model graders use the config's role and fail loudly when the
 * endpoint does not answer; they never fall back to string matching. `--out <file>` also stores the result as a
 * CalibrationRecord bound to the grader's identity and the data's sha256.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { BackendError, ConfigError } from '../../errors.js';
import { type BaselineList, runCalibration } from '../../evals/calibrate.js';
import {
  type CalibrationFormat,
  type CalibrationSplit,
  calibrationFormats,
  calibrationSplits,
  readCalibrationData,
  rowsOfSplit,
} from '../../evals/calibrate-data.js';
import {
  calibrationJudgePromptOf,
  calibrationModelOf,
  writeCalibrationRecord,
} from '../../evals/write-calibration-record.js';
import { type JudgeProbeReport, runJudgeProbes } from '../../grading/adversarial-probes.js';
import type { Grader } from '../../grading/grader.js';
import { createJudgeGrader } from '../../grading/judge-grader.js';
import { createRefusalGrader } from '../../grading/refusal-grader.js';
import { createStringMatchGrader } from '../../grading/string-match-grader.js';
import { createXstestGrader } from '../../grading/xstest-grader.js';
import { loadConfig } from '../../io/load-config.js';
import { createModelClientFromSettings } from '../../models/create-model-client-from-settings.js';
import type { ModelClient } from '../../models/model-client.js';
import type { CalibrationModel } from '../../records/calibration-record.js';
import type { Spec } from '../../records/spec.js';
import { loadSpec } from '../../spec/load-spec.js';
import type { CliContext } from '../cli-context.js';
import { packageVersion } from '../package-version.js';
import { closestName } from '../unknown-role-error.js';
import { formatCalibrationReport } from './calibrate-format.js';

interface CalibrateOptions {
  grader: string;
  data: string;
  format: string;
  config?: string;
  json?: boolean;
  limit?: string;
  split?: string;
  concurrency?: string;
  probes?: boolean;
  out?: string;
}

/** The grader names `--grader` accepts. */
const graderNames = ['refusal', 'string-match', 'xstest', 'judge', 'role:<name>'];

export function registerCalibrateCommand(program: Command, context: CliContext): void {
  program
    .command('calibrate')
    .description('Measure a grader against human labels, with the string-match baseline beside it')
    .requiredOption('--grader <name>', `grader: ${graderNames.join(' | ')} (xstest uses the classifier role)`)
    .requiredOption('--data <file>', 'human-labelled file (XSTest labelled completions, or JBB judge-comparison.csv)')
    .requiredOption('--format <format>', `data format: ${calibrationFormats.join(' | ')}`)
    .option('--config <file>', 'deliberate.yaml, for model graders and probes', 'deliberate.yaml')
    .option('--json', 'print one JSON object')
    .option('--limit <n>', 'only the first n rows')
    .option(
      '--split <part>',
      `only one fixed part of the file, chosen by a hash of each row id: ${calibrationSplits.join(' | ')} (tune rules on tuning, report untouched)`,
      'all',
    )
    .option(
      '--concurrency <n>',
      "parallel grading requests for model graders (default: the role's concurrency, else 8)",
    )
    .option('--probes', 'also run the adversarial judge probes against the judge role (always on with --grader judge)')
    .option('--out <file>', "also write the result, bound to the grader's identity and the data's sha256, as JSON")
    .action(async (options: CalibrateOptions) => {
      await runCalibrateCommand(options, context);
    });
}

/** A summary of the adversarial judge probes, as printed. */
export interface ProbeSummary {
  judge: string;
  total: number;
  resisted: number;
  unscored: number;
  controls: { total: number; passed: number };
  /** Probe ids the judge was fooled by (or could not score). */
  notResisted: string[];
}

interface Session {
  context: CliContext;
  options: CalibrateOptions;
  clients: ModelClient[];
  loaded?: ReturnType<typeof loadConfig>;
  spec?: Spec;
  judge?: ModelClient;
  /** The config role of the model grader, when the grader is a model. */
  graderRole?: string;
  /** Each role's model as a calibration record names it (never its key). */
  models: Map<string, CalibrationModel>;
}

async function runCalibrateCommand(options: CalibrateOptions, context: CliContext): Promise<void> {
  const format = options.format as CalibrationFormat;
  if (!calibrationFormats.includes(format))
    throw new ConfigError(`unknown --format "${options.format}"`, { hint: `use ${calibrationFormats.join(' or ')}` });
  const split = (options.split ?? 'all') as CalibrationSplit | 'all';
  if (!calibrationSplits.includes(split))
    throw new ConfigError(`unknown --split "${options.split}"`, { hint: `use ${calibrationSplits.join(', ')}` });
  const dataFile = path.resolve(context.cwd, options.data);
  let rows = rowsOfSplit(readCalibrationData(dataFile, format), split);
  const limit = options.limit === undefined ? null : Number(options.limit);
  if (limit !== null) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new ConfigError(`--limit must be a positive whole number, got "${options.limit}"`);
    rows = rows.slice(0, limit);
  }
  const session: Session = { context, options, clients: [], models: new Map() };
  try {
    const { grader, concurrency } = await buildGrader(session);
    const progressEvery = Math.max(1, Math.floor(rows.length / 10));
    const report = await runCalibration({
      rows,
      grader,
      format,
      baselines: baselinesNear(dataFile, format),
      concurrency,
      signal: context.signal,
      onProgress: (done, total) => {
        if (concurrency > 1 && (done % progressEvery === 0 || done === total))
          context.stderr(`calibrate: graded ${done}/${total}\n`);
      },
    });
    if (report.n > 0 && report.unscored === report.n)
      throw new BackendError(`every grade was unscored (${JSON.stringify(report.unscored_reasons)})`, {
        hint: 'check the grader model (deliberate models check); calibrate never falls back to string matching',
      });
    const probes = options.grader === 'judge' || options.probes ? await runProbes(session) : undefined;
    const output = { ...report, data: dataFile, split, ...(probes ? { probes } : {}) };
    if (options.json) context.stdout(`${JSON.stringify(output, null, 2)}\n`);
    else context.stdout(formatCalibrationReport(output));
    if (options.out !== undefined) {
      const file = path.resolve(context.cwd, options.out);
      writeCalibrationRecord({
        file,
        report,
        grader: {
          name: options.grader,
          model: session.graderRole ? (session.models.get(session.graderRole) ?? null) : null,
          judgePrompt: options.grader === 'judge' ? calibrationJudgePromptOf() : null,
          spec: session.spec ?? null,
        },
        data: { file: dataFile, limit, split },
        probes: probes ? { ...probes, judge: session.models.get('judge')! } : undefined,
        deliberateVersion: packageVersion(),
      });
      context.stderr(`calibrate: wrote ${file}\n`);
    }
  } finally {
    await Promise.all(session.clients.map((client) => client.close?.()));
  }
}

async function buildGrader(session: Session): Promise<{ grader: Grader; concurrency: number }> {
  const name = session.options.grader;
  if (name === 'refusal') return { grader: createRefusalGrader(), concurrency: 1 };
  if (name === 'string-match') return { grader: createStringMatchGrader(), concurrency: 1 };
  if (name !== 'judge' && name !== 'xstest' && !name.startsWith('role:'))
    throw new ConfigError(`unknown --grader "${name}"`, { hint: `use one of ${graderNames.join(', ')}` });
  const role = name === 'judge' ? 'judge' : name === 'xstest' ? 'classifier' : name.slice('role:'.length);
  const client = await roleClient(session, role);
  session.graderRole = role;
  const concurrency =
    session.options.concurrency === undefined
      ? (configOf(session).config.models[role]?.concurrency ?? 8)
      : Number(session.options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigError(`--concurrency must be a positive whole number, got "${session.options.concurrency}"`);
  if (name === 'judge') {
    session.judge = client;
    return { grader: createJudgeGrader({ judge: client, spec: await specOf(session) }), concurrency };
  }
  return { grader: createXstestGrader(client), concurrency };
}

function configOf(session: Session): ReturnType<typeof loadConfig> {
  session.loaded ??= loadConfig(path.resolve(session.context.cwd, session.options.config ?? 'deliberate.yaml'));
  return session.loaded;
}

async function specOf(session: Session): Promise<Spec> {
  const loaded = configOf(session);
  session.spec ??= await loadSpec(loaded.resolve(loaded.config.spec));
  return session.spec;
}

/** The client of a config role, checked with one small request: an unreachable model stops here, loudly. */
async function roleClient(session: Session, role: string): Promise<ModelClient> {
  const loaded = configOf(session);
  const settings = loaded.config.models[role];
  if (!settings) {
    const roles = Object.keys(loaded.config.models);
    const closest = closestName(role, roles);
    throw new ConfigError(
      `no model for role "${role}" in ${loaded.file} (configured roles: ${roles.join(', ') || '(none)'})`,
      {
        location: `${loaded.file}: models`,
        hint: `${closest ? `did you mean "${closest}"? ` : ''}add models.${role} to the config, or pick another role with --grader role:<name>`,
      },
    );
  }
  const client = createModelClientFromSettings(settings, {
    env: session.context.env,
    role,
    resolvePath: loaded.resolve,
    signal: session.context.signal,
  });
  session.clients.push(client);
  session.models.set(role, calibrationModelOf({ role, modelId: client.id, settings, resolvePath: loaded.resolve }));
  const probe = await client.generate({
    messages: [{ role: 'user', content: 'Reply with the word ok.' }],
    maxTokens: 16,
    signal: session.context.signal,
  });
  if (!probe.ok && (probe.kind === 'transport-failure' || probe.kind === 'cancelled'))
    throw new BackendError(`the ${role} model (${client.id}) did not answer: ${probe.message}`, {
      location: `${loaded.file}: models.${role}`,
      hint: `start the endpoint or fix models.${role}; calibrate never falls back to string matching`,
    });
  return client;
}

async function runProbes(session: Session): Promise<ProbeSummary> {
  session.judge ??= await roleClient(session, 'judge');
  const judge = session.judge;
  const report: JudgeProbeReport = await runJudgeProbes(judge, await specOf(session), {
    signal: session.context.signal,
  });
  return {
    judge: judge.id,
    total: report.total,
    resisted: report.resisted,
    unscored: report.unscored,
    controls: report.controls,
    notResisted: report.results
      .filter((result) => result.attack !== 'control' && !result.resisted)
      .map((result) => result.probeId),
  };
}

/** Baselines from refusal_string_lists.json beside the data (../refusal_string_lists.json), else built-in lists. */
function baselinesNear(dataFile: string, format: CalibrationFormat): BaselineList[] | undefined {
  const candidates = [
    path.join(path.dirname(dataFile), 'refusal_string_lists.json'),
    path.join(path.dirname(dataFile), '..', 'refusal_string_lists.json'),
  ];
  const file = candidates.find((candidate) => existsSync(candidate));
  if (!file) return undefined;
  let lists: Record<string, { prefixes?: unknown }>;
  try {
    lists = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { prefixes?: unknown }>;
  } catch {
    return undefined;
  }
  const strings = (key: string): string[] | null => {
    const prefixes = lists[key]?.prefixes;
    return Array.isArray(prefixes) && prefixes.every((item) => typeof item === 'string') ? prefixes : null;
  };
  const result: BaselineList[] = [];
  if (format === 'xstest-labelled') {
    const xstest = strings('xstest_strmatch');
    if (xstest) result.push({ name: 'xstest-startswith', strings: xstest, mode: 'starts-with-lowercase' });
  } else {
    const jbb = strings('jailbreakbench_string_classifier');
    const gcg = strings('gcg_test_prefixes');
    if (jbb) result.push({ name: 'jailbreakbench-substring', strings: jbb, mode: 'substring-case-sensitive' });
    if (gcg) result.push({ name: 'gcg-substring', strings: gcg, mode: 'substring-case-sensitive' });
  }
  return result.length > 0 ? result : undefined;
}
