/**
 * @module cli/parse-fraction
 * The value of `--allow-failures <fraction>` (the pipeline commands, `prompts contrast`): a number from 0 to 1.
 */
import { InvalidArgumentError } from 'commander';

export function parseFraction(value: string): number {
  const fraction = Number(value);
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new InvalidArgumentError('a fraction between 0 and 1, e.g. 0.05 for 5% of the calls');
  }
  return fraction;
}
