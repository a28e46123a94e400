/**
 * @module cli/commands/print-eval-result
 * What `deliberate eval` prints: progress on stderr (redrawn on a terminal, a line every 5 s otherwise), then the
 * summary table or one `--json` object; an arm with no scored item makes the command exit 1 with the log kept.
 */
import type { EvalProgress } from '../../evals/run-eval.js';
import type { EvalLog } from '../../records/eval-log.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-code.js';
import { formatEvalProgress, formatEvalSummary } from './eval-format.js';

/** The progress callback of an eval run. */
export function evalProgressPrinter(context: CliContext): (progress: EvalProgress) => void {
  let lastLine = 0;
  return (progress) => {
    const now = Date.now();
    const finished = progress.done === progress.total;
    if (context.interactive) {
      context.stderr(`\r\u001b[2K${formatEvalProgress(progress)}${finished ? '\n' : ''}`);
    } else if (finished || now - lastLine >= 5000) {
      lastLine = now;
      context.stderr(`${formatEvalProgress(progress)}\n`);
    }
  };
}

export interface PrintEvalResultInput {
  log: EvalLog;
  logFile: string;
  outDir: string;
  cost: number | null;
  json?: boolean;
}

/** Prints the result; throws ExitCode(1) when the log has errors (after printing them). */
export function printEvalResult({ log, logFile, outDir, cost, json }: PrintEvalResultInput, context: CliContext): void {
  if (json) {
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
}
