/**
 * @module cli/commands/eval
 * `deliberate eval --config deliberate.yaml --targets base,base+spec,trained --benchmarks xstest,strongreject
 *  [--limit n] [--out dir] [--json] [--data name=path] [--no-cache]`: every target on the same items, graded,
 * metrics with bootstrap intervals, one eval log (`<out>/eval-log.json`) that `deliberate report` reads. Resumable.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError, DeliberateError } from '../../errors.js';
import type { Benchmark, RoleClient } from '../../evals/benchmark.js';
import { builtinBenchmarks } from '../../evals/benchmarks/builtin-benchmarks.js';
import { loadCustomBenchmark } from '../../evals/custom-benchmark.js';
import { type ParsedArm, parseArm } from '../../evals/parse-arm.js';
import { type EvalTarget, runEval } from '../../evals/run-eval.js';
import { createRefusalGrader } from '../../grading/refusal-grader.js';
import { loadConfig } from '../../io/load-config.js';
import { createRoleClients } from '../../models/create-model-client-from-settings.js';
import { createRolePreflight } from '../../models/preflight-roles.js';
import { EvalSettings } from '../../records/eval-settings.js';
import { loadSpec } from '../../spec/load-spec.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-code.js';
import { startGuardTargets } from '../guard-eval-targets.js';
import { packageVersion } from '../package-version.js';
import { closestName, unknownRoleError } from '../unknown-role-error.js';
import { formatEvalProgress, formatEvalSummary } from './eval-format.js';

export interface EvalCommandOptions {
  config: string;
  targets?: string;
  benchmarks?: string;
  limit?: string;
  out?: string;
  json?: boolean;
  data: string[];
  /** commander sets `cache: false` for `--no-cache`. */
  cache?: boolean;
  concurrency?: string;
}

/** Benchmarks run when neither --benchmarks nor eval.benchmarks names any: one harmful axis, one over-refusal axis. */
export const defaultBenchmarks = ['xstest', 'strongreject'];

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new ConfigError(`${flag} must be a positive whole number, got "${value}"`);
  }
  return number;
}

/**
 * `base+spec` → role base with the spec in context; `guard:base` → role base behind the guard;
 * `trained@effort=low:label=x` → a compute arm with a label; a name under `eval.arms` → that declared arm.
 */
export function parseTarget(
  name: string,
  roles: readonly string[],
  declaredArms: EvalSettings['arms'] = {},
): ParsedArm {
  const declared = declaredArms[name];
  if (declared) {
    if (roles.includes(name)) {
      throw new ConfigError(`eval.arms.${name} has the name of a role under models`, {
        location: 'eval.arms',
        hint: 'give the declared arm a name that is not a role, e.g. base-low',
      });
    }
    const { role, spec, label, ...requestOptions } = declared;
    checkRole(name, role, roles, `eval.arms.${name}.role`);
    return { name, role, specInContext: spec, guarded: false, requestOptions, label: label ?? null };
  }
  const parsed = parseArm(name);
  checkRole(name, parsed.role, roles, 'models');
  return parsed;
}

function checkRole(name: string, role: string, roles: readonly string[], location: string): void {
  if (roles.includes(role)) return;
  const closest = closestName(role, roles);
  throw new ConfigError(`target "${name}": there is no role "${role}" under models`, {
    location,
    hint: `${closest ? `did you mean "${closest}"? ` : ''}add it to deliberate.yaml or use one of: ${roles.join(', ')}`,
  });
}

function parseDataOptions(values: readonly string[], cwd: string): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const value of values) {
    const index = value.indexOf('=');
    if (index < 1)
      throw new ConfigError(`--data "${value}" is not name=path`, { hint: 'e.g. --data xstest=./xstest_prompts.csv' });
    paths[value.slice(0, index)] = path.resolve(cwd, value.slice(index + 1));
  }
  return paths;
}

/** Runs `deliberate eval` and prints the metrics table (or one JSON object with --json). */
export async function runEvalCommand(options: EvalCommandOptions, context: CliContext) {
  const loaded = loadConfig(path.resolve(context.cwd, options.config));
  const { config } = loaded;
  const settings = EvalSettings.parse(config.eval ?? {});
  const roles = Object.keys(config.models);
  const targetNames = list(options.targets) ?? settings.targets;
  if (!targetNames || targetNames.length === 0) {
    throw new ConfigError('no targets to evaluate', {
      hint: 'pass --targets <role>[,<role>+spec…] or set eval.targets',
    });
  }
  const targets = targetNames.map((name) => parseTarget(name, roles, settings.arms));
  // A role named in eval.grader / eval.judge must exist (a typo is an error, not "no judge configured");
  // unset, the role of that name is used when configured.
  for (const [setting, role] of [
    ['eval.grader', settings.grader],
    ['eval.judge', settings.judge],
  ] as const) {
    if (role !== undefined && !roles.includes(role))
      throw unknownRoleError({ role, roles, setting, file: loaded.file });
  }
  const graderRole = settings.grader ?? (roles.includes('grader') ? 'grader' : undefined);
  const judgeRole = settings.judge ?? (roles.includes('judge') ? 'judge' : undefined);

  const custom = new Map<string, Benchmark>();
  for (const file of settings.custom) {
    const benchmark = await loadCustomBenchmark(loaded.resolve(file));
    custom.set(benchmark.name, benchmark);
  }
  const benchmarkNames = list(options.benchmarks) ?? settings.benchmarks ?? defaultBenchmarks;
  const benchmarks = benchmarkNames.map((name) => {
    const benchmark = custom.get(name) ?? builtinBenchmarks[name];
    if (!benchmark) {
      throw new ConfigError(`unknown benchmark "${name}"`, {
        hint: `built in: ${Object.keys(builtinBenchmarks).join(', ')}${custom.size > 0 ? `; yours: ${[...custom.keys()].join(', ')}` : ''} (docs/evals.md: your own)`,
      });
    }
    return benchmark;
  });

  const spec = await loadSpec(loaded.resolve(config.spec));
  const outDir = options.out ? path.resolve(context.cwd, options.out) : loaded.resolve(settings.out);
  const used = new Set(
    [...targets.map((target) => target.role), graderRole, judgeRole].filter((role) => role !== undefined),
  );
  const clients = createRoleClients(
    Object.fromEntries(Object.entries(config.models).filter(([role]) => used.has(role))),
    {
      env: context.env,
      // --no-cache does not open the cache file at all (a damaged one cannot stop the eval).
      cacheFile: options.cache === false ? undefined : path.join(outDir, 'request-cache.sqlite'),
      callLogFile: path.join(outDir, 'calls.jsonl'),
      signal: context.signal,
      resolvePath: loaded.resolve,
    },
  );
  const preflight = createRolePreflight(
    Object.fromEntries(Object.entries(config.models).filter(([role]) => used.has(role))),
    {
      env: context.env,
      signal: context.signal,
      resolvePath: loaded.resolve,
      onWarning: (warning) => context.stderr(`warning: ${warning}\n`),
    },
  );
  const roleClient = (role: string | undefined): RoleClient | null =>
    role === undefined ? null : { role, client: clients[role]! };
  const dataPaths = {
    ...Object.fromEntries(Object.entries(settings.data).map(([name, file]) => [name, loaded.resolve(file)])),
    ...parseDataOptions(options.data, context.cwd),
  };

  let lastLine = 0;
  const onProgress = (progress: Parameters<typeof formatEvalProgress>[0]) => {
    const now = Date.now();
    const finished = progress.done === progress.total;
    if (context.interactive) {
      context.stderr(`\r\u001b[2K${formatEvalProgress(progress)}${finished ? '\n' : ''}`);
    } else if (finished || now - lastLine >= 5000) {
      lastLine = now;
      context.stderr(`${formatEvalProgress(progress)}\n`);
    }
  };
  const guardTargets = await startGuardTargets({
    loaded,
    env: context.env,
    targets: targets.filter((target) => target.guarded),
    outDir,
  });
  const guarded = new Map(guardTargets.targets.map((target) => [target.name, target]));
  const evalTargets: EvalTarget[] = targets.map(
    ({ guarded: _guarded, ...target }) => guarded.get(target.name) ?? { ...target, client: clients[target.role]! },
  );
  try {
    const { log, logFile } = await runEval({
      benchmarks,
      targets: evalTargets,
      spec,
      grader: roleClient(graderRole),
      judge: roleClient(judgeRole),
      offlineRefusalGrader: createRefusalGrader(),
      settings,
      dataPaths,
      outDir,
      cacheDir: settings.cacheDir
        ? loaded.resolve(settings.cacheDir)
        : path.join(path.dirname(outDir), '.cache', 'datasets'),
      limit: positiveInteger(options.limit, '--limit'),
      concurrency: positiveInteger(options.concurrency, '--concurrency'),
      config: { file: loaded.file, ...config },
      deliberateVersion: packageVersion(),
      signal: context.signal,
      onProgress,
      preflight: (roles) => preflight.require(roles),
    });
    const costs = Object.values(clients).map((client) => client.stats?.().cost ?? null);
    const cost = costs.some((value) => value !== null)
      ? costs.reduce<number>((sum, value) => sum + (value ?? 0), 0)
      : null;
    if (options.json) {
      const metrics = log.benchmarks.flatMap((benchmark) =>
        Object.entries(benchmark.metrics).flatMap(([arm, rows]) =>
          rows.map(({ perCategory: _perCategory, ...row }) => ({ benchmark: benchmark.name, arm, ...row })),
        ),
      );
      context.stdout(
        `${JSON.stringify({ log: logFile, outDir, status: log.status, arms: log.arms, metrics, warnings: log.warnings, errors: log.errors ?? [], usage: log.usage, cost })}\n`,
      );
    } else {
      context.stdout(formatEvalSummary(log, logFile, cost));
    }
    // An arm with no scored item is not a result: the log is kept (status failed), the exit code says so.
    if (log.errors && log.errors.length > 0) {
      for (const error of log.errors) context.stderr(`deliberate: error: ${error}\n`);
      throw new ExitCode(1);
    }
    return { log, logFile };
  } finally {
    await guardTargets.close();
    for (const client of Object.values(clients)) await client.close?.();
  }
}

export function registerEvalCommand(program: Command, context: CliContext): void {
  program
    .command('eval')
    .description('Evaluate targets (roles; role+spec = spec in context) on benchmarks; writes <out>/eval-log.json')
    .option('-c, --config <file>', 'the config file', 'deliberate.yaml')
    .option(
      '--targets <arms>',
      'comma-separated roles from models (or eval.arms names); role+spec = spec in context; role@effort=low, @thinking=off, @max_tokens=n = compute arms; :label=text names an arm; guard:<role> = the role behind the guard',
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
