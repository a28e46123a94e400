/**
 * @module cli/commands/guard
 * `deliberate guard serve --config deliberate.yaml --upstream <role> [--mode deliberate|moderate|both|revise] [--port 8788]
 *  [--host 127.0.0.1] [--dry-run] [--token-env NAME]`: the guard in front of a role, until Ctrl-C.
 * `deliberate guard test --url <guard> [--token-env NAME]`: benign, harmful and jailbreak-wrapped requests, with
 * each decision. docs/guard.md has the details.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError, DeliberateError } from '../../errors.js';
import { loadConfig } from '../../io/load-config.js';
import { startGuardServer } from '../../servers/guard/create-guard-app.js';
import { runGuardSmokeTest } from '../../servers/guard/guard-smoke-test.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-code.js';
import { defaultGuardTokenEnv, guardFromConfig, guardToken } from '../guard-from-config.js';

export interface GuardServeOptions {
  config: string;
  upstream?: string;
  mode?: string;
  port: string;
  host: string;
  dryRun?: boolean;
  tokenEnv: string;
  /** Called once listening (tests). */
  onListening?: (url: string) => void;
}

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) {
    throw new ConfigError(`--port must be a whole number from 0 to 65535, got "${value}"`);
  }
  return number;
}

export async function runGuardServe(options: GuardServeOptions, context: CliContext): Promise<void> {
  const loaded = loadConfig(path.resolve(context.cwd, options.config));
  const { options: guardOptions, clients } = await guardFromConfig({
    loaded,
    env: context.env,
    upstream: options.upstream,
    mode: options.mode,
    dryRun: options.dryRun,
  });
  try {
    const token = guardToken(context.env, options.tokenEnv);
    const server = await startGuardServer({
      ...guardOptions,
      token,
      host: options.host,
      port: port(options.port),
      tokenSource: `the environment variable ${options.tokenEnv} (--token-env)`,
    });
    const { guard } = server;
    context.stderr(
      `deliberate guard: listening on ${server.url}/v1 (mode ${guard.mode}${guard.dryRun ? ', dry run' : ''}; upstream ${guard.upstream.role} = ${guard.upstream.client.id}; model name ${guard.modelName}; ${token ? 'bearer token required' : 'no token'}; audit log ${guardOptions.auditFile})\n`,
    );
    options.onListening?.(server.url);
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) resolve();
      context.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    context.stderr('deliberate guard: stopping (letting requests in flight finish)\n');
    await server.close();
  } finally {
    for (const client of clients) await client.close?.();
  }
}

export async function runGuardTest(options: { url: string; tokenEnv: string; model?: string }, context: CliContext) {
  let results: Awaited<ReturnType<typeof runGuardSmokeTest>>;
  try {
    results = await runGuardSmokeTest({
      url: options.url,
      token: guardToken(context.env, options.tokenEnv),
      model: options.model,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new DeliberateError(`cannot reach the guard at ${options.url}: ${cause}`, {
      hint: 'start it with `deliberate guard serve --config deliberate.yaml --upstream <role>` and pass its URL',
    });
  }
  for (const result of results) {
    context.stdout(
      `${result.kind.padEnd(9)} HTTP ${result.status}  decision ${result.decision ?? '-'}  rules ${result.rules || '-'}  ${result.excerpt}\n`,
    );
  }
  const failed = results.filter((result) => !result.ok && result.status !== 403);
  if (failed.length > 0) {
    context.stderr(
      `deliberate: error: ${failed.length} of ${results.length} requests failed (${failed.map((result) => `${result.kind}: HTTP ${result.status}`).join(', ')})\n`,
    );
    throw new ExitCode(1);
  }
}

export function registerGuardCommand(program: Command, context: CliContext): void {
  const guard = program
    .command('guard')
    .description('The spec at inference time: an OpenAI-compatible proxy in front of a model');
  guard
    .command('serve')
    .description('Serve /v1/chat/completions in front of a role, with the spec in context and/or policy checks')
    .option('-c, --config <file>', 'the config file', 'deliberate.yaml')
    .option('--upstream <role>', 'the role to guard (default guard.upstream)')
    .option(
      '--mode <mode>',
      'deliberate (spec in context), moderate (policy checks), both, or revise (draft, check against the spec, revise; buffered) (default guard.mode)',
    )
    .option('--port <n>', 'port', '8788')
    .option('--host <host>', 'address to bind (anything but loopback needs the token)', '127.0.0.1')
    .option('--dry-run', 'run the policy checks and log the decisions, but block nothing')
    .option(
      '--token-env <name>',
      'environment variable holding the bearer token clients must send',
      defaultGuardTokenEnv,
    )
    .action(async (options: GuardServeOptions) => {
      await runGuardServe(options, context);
    });
  guard
    .command('test')
    .description('Send a benign, a harmful and a jailbreak-wrapped request to a guard; print each decision')
    .requiredOption('--url <url>', 'the guard, e.g. http://127.0.0.1:8788')
    .option('--token-env <name>', 'environment variable holding the bearer token', defaultGuardTokenEnv)
    .option('--model <name>', 'model name to send (the guard answers for its upstream whatever it is)')
    .action(async (options: { url: string; tokenEnv: string; model?: string }) => {
      await runGuardTest(options, context);
    });
}
