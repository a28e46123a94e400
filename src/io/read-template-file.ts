/**
 * @module io/read-template-file
 * Reads a user's template file as UTF-8, or stops with a ConfigError that names the template, the file and the fix.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

/** `what` names the template in the message ("judge template"); `hint` is the fix. */
export function readTemplateFile(file: string, what: string, hint: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the ${what}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      location: file,
      hint,
    });
  }
}
