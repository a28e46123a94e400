/**
 * @module cli/main
 * The program (commands from command-table.ts) and the one error boundary: only this file turns errors into messages and exit codes.
 */
import { Command, CommanderError } from 'commander';
import { CancelledError, DeliberateError } from '../errors.js';
import type { CliContext } from './cli-context.js';
import { addCommands, type CommandModuleName, modulesFor } from './command-table.js';
import { ExitCode } from './exit-code.js';
import { packageVersion } from './package-version.js';

/**
 * The program with every command: the modules in `load` defined in full, the others as help lines only (so
 * `--help` loads no command module). `load: 'all'` defines every command.
 */
export async function createProgram(
  context: CliContext,
  load: ReadonlySet<CommandModuleName> | 'all' = 'all',
): Promise<Command> {
  const program = new Command('deliberate')
    .description(
      'Deliberative alignment with your own safety spec: compile it, generate and judge data, export, evaluate.',
    )
    .version(packageVersion())
    .showHelpAfterError('(run `deliberate --help` for the commands)')
    .configureOutput({ writeOut: context.stdout, writeErr: context.stderr })
    .exitOverride();
  await addCommands(program, context, load);
  for (const command of program.commands)
    command.exitOverride().configureOutput({ writeOut: context.stdout, writeErr: context.stderr });
  return program;
}

/** Runs one command line; returns the exit code. Never calls process.exit. */
export async function main(argv: string[], context: CliContext): Promise<number> {
  try {
    const program = await createProgram(context, modulesFor(argv));
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    return reportError(error, context);
  }
}

function reportError(error: unknown, context: CliContext): number {
  if (error instanceof ExitCode) return error.code;
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were already printed by commander.
    return error.exitCode;
  }
  if (error instanceof CancelledError || context.signal.aborted) {
    context.stderr('deliberate: cancelled; finished work is saved, run the same command again to resume.\n');
    return 130;
  }
  if (DeliberateError.isInstance(error)) {
    context.stderr(`deliberate: ${error.format()}\n`);
    return 1;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  context.stderr(`deliberate: internal error (please report it with this trace):\n${stack}\n`);
  return 1;
}

/** The process boundary: wires process streams, env and Ctrl-C to `main`. Used by bin/deliberate.js. */
export async function runCli(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write('\ndeliberate: stopping after the requests in flight (Ctrl-C again to quit now)\n');
      controller.abort(new CancelledError());
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await main(argv, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      env: process.env,
      cwd: process.cwd(),
      signal: controller.signal,
      interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
