/**
 * Runs the CLI in-process, the way tests do: `main(argv, context)` with a CliContext that captures stdout and stderr.
 */
import type { CliContext } from '../../src/cli/cli-context.js';
import { main } from '../../src/cli/main.js';

export interface CliRunOptions {
  /** The working directory the command sees. */
  cwd: string;
  /** The environment the command sees (default: empty, so nothing leaks in from the test process). */
  env?: Record<string, string | undefined>;
  /** Abort it to simulate Ctrl-C (default: never aborted). */
  signal?: AbortSignal;
}

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs one command line in-process (non-interactive) and returns its exit code and everything it printed. */
export async function runCli(argv: string[], options: CliRunOptions): Promise<CliRun> {
  const output = { stdout: '', stderr: '' };
  const context: CliContext = {
    stdout: (text) => {
      output.stdout += text;
    },
    stderr: (text) => {
      output.stderr += text;
    },
    env: options.env ?? {},
    cwd: options.cwd,
    signal: options.signal ?? new AbortController().signal,
    interactive: false,
  };
  const exitCode = await main(argv, context);
  return { exitCode, ...output };
}
