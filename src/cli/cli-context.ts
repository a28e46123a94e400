/**
 * What every command receives: where to write, the environment, the working directory and a cancel signal.
 * Commands never touch `process` directly, so tests run them in-process (`runCli` in test/helpers/run-cli.ts).
 */
export interface CliContext {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on the first Ctrl-C: stop new work, let in-flight requests finish or abort cleanly. */
  signal: AbortSignal;
  /** true when stderr is a terminal (progress bars redraw); false in CI and pipes (plain progress lines). */
  interactive: boolean;
}
