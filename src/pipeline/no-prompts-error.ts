/**
 * @module pipeline/no-prompts-error
 * The error of an intake with nothing to work on.
 */
import { DataError } from '../errors.js';
import type { InvalidRow } from './read-prompts.js';

/** Nothing to work on: an empty file, or (with skipInvalid) a file whose every row is invalid. */
export function noPromptsError(file: string, invalid: InvalidRow[]): DataError {
  const first = invalid[0];
  if (!first) {
    return new DataError('the prompts file has no prompts', {
      location: file,
      hint: 'add prompts, one JSON object per line like {"id": "p1", "prompt": "..."} (see examples/prompts.jsonl)',
    });
  }
  return new DataError(`all ${invalid.length} prompt rows are invalid; the first: ${first.field}: ${first.message}`, {
    location: first.location,
    hint: first.hint ?? 'fix the rows (run without --skip-invalid to stop at each bad row in turn)',
  });
}
