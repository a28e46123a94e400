/**
 * @module cli/commands/eval-flags
 * `deliberate eval`'s flags as commander gives them, and checked: lists split, numbers whole and positive, paths
 * resolved against the working directory.
 */
import path from 'node:path';
import { ConfigError } from '../../errors.js';

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

export interface EvalFlags {
  configFile: string;
  targets?: string[];
  benchmarks?: string[];
  limit?: number;
  concurrency?: number;
  /** `--out`, absolute. */
  out?: string;
  /** `--data name=path`, absolute. */
  dataPaths: Record<string, string>;
}

/** The flags checked; a malformed one throws before the config is read. */
export function parseEvalFlags(options: EvalCommandOptions, cwd: string): EvalFlags {
  return {
    configFile: path.resolve(cwd, options.config),
    targets: list(options.targets),
    benchmarks: list(options.benchmarks),
    limit: positiveInteger(options.limit, '--limit'),
    concurrency: positiveInteger(options.concurrency, '--concurrency'),
    out: options.out ? path.resolve(cwd, options.out) : undefined,
    dataPaths: parseDataOptions(options.data, cwd),
  };
}

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
