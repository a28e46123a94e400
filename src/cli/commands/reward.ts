/**
 * @module cli/commands/reward
 * `deliberate reward serve --config deliberate.yaml [--port 8787] [--host 127.0.0.1] [--token-env VAR]`: the
 * spec-aware judge as an RL reward endpoint (OpenRLHF's remote protocol and the generic form the TRL and verl
 * adapters send). `deliberate reward test --url … [--token-env VAR] [--category id]`: the smoke test before a long
 * RL job.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { loadJudgeTemplate } from '../../grading/judge-completion.js';
import { type LoadedConfig, loadConfig } from '../../io/load-config.js';
import { createRoleClients } from '../../models/create-model-client-from-settings.js';
import { createRewardApp } from '../../servers/reward/create-reward-app.js';
import { createRewardScorer } from '../../servers/reward/create-reward-scorer.js';
import { formatSmokeTest, runRewardSmokeTest } from '../../servers/reward/reward-smoke-test.js';
import { startHttpServer } from '../../servers/start-http-server.js';
import { loadSpec } from '../../spec/load-spec.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-code.js';
import { unknownRoleError } from '../unknown-role-error.js';

export const defaultRewardPort = 8787;
export const defaultRewardTokenEnv = 'DELIBERATE_REWARD_TOKEN';

interface ServeOptions {
  config: string;
  port: string;
  host?: string;
  tokenEnv: string;
  /** commander sets `cache: false` for `--no-cache`. */
  cache?: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(`--port must be a whole number from 0 to 65535, got "${value}"`);
  }
  return port;
}

function rewardRoles(loaded: LoadedConfig): { judge: string; classifier?: string } {
  const roles = Object.keys(loaded.config.models);
  if (!roles.includes('judge')) {
    throw new ConfigError(`the reward server needs a judge role; ${loaded.file} has none under models`, {
      location: 'models',
      hint: 'add judge: { provider: openai-compatible, baseUrl: …, model: … } under models',
    });
  }
  const named = loaded.config.reward.classifier;
  if (named !== undefined && !roles.includes(named)) {
    throw unknownRoleError({ role: named, roles, setting: 'reward.classifier', file: loaded.file });
  }
  const classifier = named ?? (roles.includes('classifier') ? 'classifier' : undefined);
  return { judge: 'judge', ...(classifier ? { classifier } : {}) };
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Serves until the context's signal aborts (Ctrl-C, SIGTERM), then finishes the requests in flight and closes. */
export async function runRewardServe(options: ServeOptions, context: CliContext): Promise<void> {
  const loaded = loadConfig(path.resolve(context.cwd, options.config));
  const { config } = loaded;
  const roles = rewardRoles(loaded);
  const spec = await loadSpec(loaded.resolve(config.spec));
  const token = context.env[options.tokenEnv] || undefined;
  const models = Object.fromEntries(Object.values(roles).map((role) => [role, config.models[role]!] as const));
  const clients = createRoleClients(models, {
    env: context.env,
    cacheFile: options.cache === false ? undefined : path.join(loaded.resolve(config.out), 'request-cache.sqlite'),
    signal: context.signal,
    resolvePath: loaded.resolve,
  });
  try {
    const scorer = createRewardScorer({
      spec,
      judge: clients[roles.judge]!,
      classifier: roles.classifier ? clients[roles.classifier] : undefined,
      settings: config.reward,
      judgeMaxTokens: config.judge.maxTokens,
      judgeTemplate: config.judge.template ? loadJudgeTemplate(loaded.resolve(config.judge.template)) : undefined,
    });
    const { app } = createRewardApp({ scorer, settings: config.reward, token, judgeId: clients[roles.judge]!.id });
    const server = await startHttpServer(app, {
      host: options.host,
      port: parsePort(options.port),
      hasToken: token !== undefined,
      tokenSource: `the environment variable ${options.tokenEnv}`,
    });
    context.stdout(`deliberate reward: listening on ${server.url}/reward\n`);
    context.stderr(
      `spec ${spec.version} (${spec.hash.slice(0, 12)}), judge ${clients[roles.judge]!.id}, ${config.reward.runs} run(s) per answer, ` +
        `category from the row${roles.classifier ? `, else the ${roles.classifier} role` : ''}, else summary-only; ` +
        `${token ? `bearer token from ${options.tokenEnv}` : 'no token'}; Ctrl-C stops\n`,
    );
    await waitForAbort(context.signal);
    context.stderr('deliberate reward: finishing the requests in flight\n');
    await server.close();
  } finally {
    for (const client of Object.values(clients)) await client.close?.();
  }
}

interface TestOptions {
  url: string;
  tokenEnv: string;
  category?: string;
  json?: boolean;
}

async function runRewardTest(options: TestOptions, context: CliContext): Promise<void> {
  let result: Awaited<ReturnType<typeof runRewardSmokeTest>>;
  try {
    result = await runRewardSmokeTest({
      url: options.url,
      token: context.env[options.tokenEnv] || undefined,
      category: options.category,
    });
  } catch (error) {
    throw new ConfigError(`the reward server at ${options.url} failed: ${(error as Error).message}`, {
      hint: 'start it with `deliberate reward serve --config deliberate.yaml` and check `curl <url>/health`',
    });
  }
  context.stdout(options.json ? `${JSON.stringify(result)}\n` : formatSmokeTest(result));
  if (!result.ok) throw new ExitCode(1);
}

export function registerRewardCommand(program: Command, context: CliContext): void {
  const reward = program.command('reward').description('The spec-aware judge as an RL reward endpoint');
  reward
    .command('serve')
    .description('Serve POST /reward (OpenRLHF protocol and the generic form), GET /health, GET /metrics')
    .option('-c, --config <file>', 'the config file', 'deliberate.yaml')
    .option('--port <port>', 'the port (0 picks a free one)', String(defaultRewardPort))
    .option('--host <host>', 'the address to bind (a non-loopback address needs the token)', '127.0.0.1')
    .option('--token-env <name>', 'the environment variable holding the bearer token', defaultRewardTokenEnv)
    .option('--no-cache', 'do not answer judge requests from the request cache')
    .action((options: ServeOptions) => runRewardServe(options, context));
  reward
    .command('test')
    .description('Send known cases to a reward server and check the rewards are in the expected order')
    .requiredOption('--url <url>', 'the reward server, e.g. http://127.0.0.1:8787')
    .option('--token-env <name>', 'the environment variable holding the bearer token', defaultRewardTokenEnv)
    .option('--category <id>', 'the spec category of the harmful cases (default: the server decides)')
    .option('--json', 'print the result as one JSON object')
    .action((options: TestOptions) => runRewardTest(options, context));
}
