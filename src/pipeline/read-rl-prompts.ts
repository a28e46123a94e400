/**
 * @module pipeline/read-rl-prompts
 * Reads an RL export back into Prompts, whatever its format (TRL or OpenRLHF JSONL, verl Parquet), so
 * `deliberate train` can write the RL set in the format of the engine it targets.
 */
import { DataError } from '../errors.js';
import { readTable } from '../io/read-table.js';
import { Prompt } from '../records/prompt.js';

function parseJson(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return (text ?? {}) as Record<string, unknown>;
  return JSON.parse(text) as Record<string, unknown>;
}

/** One exported row → the Prompt it came from (id, conversation, categories, metadata). */
function promptOf(record: Record<string, unknown>, index: number): unknown {
  if ('input' in record) {
    const label = parseJson(record.label);
    return {
      id: label.id ?? `row-${index + 1}`,
      messages: record.input,
      categories: label.categories,
      metadata: label.metadata,
    };
  }
  if ('extra_info' in record) {
    const info = record.extra_info as Record<string, unknown>;
    return {
      id: info.prompt_id,
      messages: record.prompt,
      categories: info.categories,
      metadata: parseJson(info.metadata),
    };
  }
  return {
    id: record.prompt_id ?? `row-${index + 1}`,
    messages: record.prompt,
    categories: record.categories,
    metadata: record.metadata,
  };
}

/** Every row of the RL file as a Prompt; a row that is not an RL export row is an error naming file:line. */
export async function readRlPrompts(file: string): Promise<Prompt[]> {
  const rows = await readTable(file);
  return rows.map((row, index) => {
    if (row.record === undefined) {
      throw new DataError(`${row.error ?? 'not a JSON object'}`, {
        location: row.location,
        hint: 'use the RL file the export wrote',
      });
    }
    const parsed = Prompt.safeParse(promptOf(row.record, index));
    if (!parsed.success) {
      throw new DataError(`not an RL export row (TRL, OpenRLHF or verl): ${parsed.error.issues[0]?.message}`, {
        location: row.location,
        hint: 'point --run at a pipeline run folder whose RL file was written by `deliberate export`',
      });
    }
    return parsed.data;
  });
}
