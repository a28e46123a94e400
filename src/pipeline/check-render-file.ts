/**
 * @module pipeline/check-render-file
 * The render check for an SFT file already on disk (`deliberate export --verify`): reads the rows, infers the format
 * from their shape when not given, takes row ids from the `.meta.jsonl` sidecar when there is one, and runs checkRender.
 */
import { existsSync, readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import { sftMetaFile } from './export-sft.js';
import { checkRender, type RenderCheckOptions, type RenderCheckSummary } from './render-check.js';
import type { SftRow, SftRowOptions } from './sft-row.js';

/** Renders every row of an SFT JSONL file with the chat template; throws RenderCheckError naming the failing rows. */
export function checkRenderFile(
  file: string,
  options: Omit<RenderCheckOptions, 'format' | 'rowIds'> & Partial<SftRowOptions>,
): RenderCheckSummary & SftRowOptions {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, index) => (line.trim() === '' ? [] : [parseRow(line, `${file}:${index + 1}`)]));
  if (rows.length === 0) throw new DataError('the SFT file has no rows', { location: file, hint: 'export again' });
  const inferred = inferSftFormat(rows[0]!, `${file}:1`);
  const format = options.format ?? inferred.format;
  const reasoningKey = options.reasoningKey ?? inferred.reasoningKey;
  const { summary } = checkRender(rows, { ...options, format, reasoningKey, rowIds: sidecarIds(file, rows.length) });
  return { ...summary, format, reasoningKey };
}

/** The format a row's shape says: `trl` (prompt/completion), `messages` with a reasoning key, or `think-inline`. */
export function inferSftFormat(row: SftRow, location: string): SftRowOptions {
  const target = 'prompt' in row ? row.completion.at(-1) : row.messages.at(-1);
  if (target === undefined) {
    throw new DataError('the row has no completion message', { location, hint: 'check that this is an SFT export' });
  }
  const reasoningKey =
    'thinking' in target ? 'thinking' : 'reasoning_content' in target ? 'reasoning_content' : undefined;
  if ('prompt' in row) return { format: 'trl', reasoningKey: reasoningKey ?? 'reasoning_content' };
  return reasoningKey === undefined ? { format: 'think-inline' } : { format: 'messages', reasoningKey };
}

function parseRow(line: string, location: string): SftRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new DataError(`not valid JSON: ${(error as Error).message}`, { location, hint: 'export the file again' });
  }
  const record = value as Record<string, unknown> | null;
  const isTrl = Array.isArray(record?.prompt) && Array.isArray(record?.completion);
  if (!isTrl && !Array.isArray(record?.messages)) {
    throw new DataError('the row has neither prompt/completion nor messages', {
      location,
      hint: 'the render check reads the SFT formats deliberate exports: trl, messages, think-inline, gpt-oss',
    });
  }
  return value as SftRow;
}

function sidecarIds(file: string, rows: number): string[] | undefined {
  const sidecar = sftMetaFile(file);
  if (!existsSync(sidecar)) return undefined;
  const ids = readFileSync(sidecar, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => String((JSON.parse(line) as { id?: unknown }).id));
  return ids.length === rows ? ids : undefined;
}
