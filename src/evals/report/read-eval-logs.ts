/**
 * @module evals/report/read-eval-logs
 * Reads eval logs for `deliberate report`: a run folder (its `eval-log.json`) or a log file, validated.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../errors.js';
import { EvalLog } from '../../records/eval-log.js';

export interface LoadedEvalLog {
  /** The file it came from. */
  source: string;
  log: EvalLog;
}

/** The log file of a run folder, or the path itself when it is a file. */
export function evalLogFileOf(target: string): string {
  if (existsSync(target) && statSync(target).isDirectory()) return path.join(target, 'eval-log.json');
  return target;
}

/** Reads and validates one eval log; errors name the file and the field. */
export function readEvalLog(target: string): LoadedEvalLog {
  const file = evalLogFileOf(target);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DataError(`cannot read eval log ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      location: file,
      hint: 'pass the folder that `deliberate eval --out <dir>` wrote, or its eval-log.json',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataError(`eval log is not valid JSON: ${(error as Error).message}`, {
      location: file,
      hint: 'the file may be truncated; run `deliberate eval` again to rewrite it',
    });
  }
  const parsed = EvalLog.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DataError(`not a deliberate eval log: ${issue.message}`, {
      location: `${file}: ${issue.path.join('.') || '(top level)'}`,
      hint: 'was it written by `deliberate eval` of a compatible version (schemaVersion 1)?',
    });
  }
  return { source: file, log: parsed.data };
}

/** Reads every eval log given on the command line, in order. */
export function readEvalLogs(targets: string[]): LoadedEvalLog[] {
  return targets.map((target) => readEvalLog(target));
}
