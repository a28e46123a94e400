/**
 * @module pipeline/read-prompts
 * Prompt intake: JSONL, CSV or Parquet rows → Prompt records. A row is `messages` (a conversation ending on a user
 * turn) or a `prompt` string, with optional `id`, `categories` and `metadata`. A bad row is a DataError naming
 * file:line and the field, or, with `skipInvalid`, a skipped row that is counted and reported.
 */
import { z } from 'zod';
import { DataError } from '../errors.js';
import { readTable } from '../io/read-table.js';
import { stableHash } from '../io/stable-hash.js';
import { Message } from '../records/message.js';
import { Prompt, PromptMetadata } from '../records/prompt.js';

export interface InvalidRow {
  location: string;
  field: string;
  message: string;
}

export interface ReadPromptsResult {
  prompts: Prompt[];
  /** Rows skipped with `skipInvalid` (empty otherwise: the first bad row throws). */
  invalid: InvalidRow[];
}

/** A string or a list: CSV cells hold `a;b` or a JSON array, JSONL and Parquet hold lists. */
const CategoriesField = z.preprocess(
  (value) => {
    if (value === undefined || value === null || value === '') return [];
    if (typeof value === 'string') {
      const text = value.trim();
      if (text.startsWith('[')) {
        try {
          return JSON.parse(text);
        } catch {
          return text;
        }
      }
      return text
        .split(/[;,]/)
        .map((part) => part.trim())
        .filter(Boolean);
    }
    return value;
  },
  z.array(z.string().min(1)),
);

/** CSV cells hold JSON text for structured fields. */
function jsonCell(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === '') return undefined;
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      return value;
    }
  }
  return value;
}

const PromptRow = z
  .object({
    id: z.union([z.string().min(1), z.number()]).optional(),
    messages: z.preprocess(jsonCell, z.array(Message).min(1)).optional(),
    prompt: z.string().optional(),
    categories: CategoriesField.optional(),
    metadata: z.preprocess(jsonCell, PromptMetadata).optional(),
  })
  .loose();

/** The content id of a prompt without an `id`: a hash of its conversation (so re-reading gives the same id). */
export function promptContentId(messages: readonly Message[]): string {
  return `p-${stableHash(messages.map((message) => ({ role: message.role, content: message.content }))).slice(0, 16)}`;
}

/** Turns one table record into a Prompt, or says which field is wrong. */
export function promptFromRecord(record: Record<string, unknown>): Prompt | InvalidRow {
  const parsed = PromptRow.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { location: '', field: issue.path.join('.') || '(record)', message: issue.message };
  }
  const row = parsed.data;
  let messages: Message[];
  if (row.messages !== undefined) messages = row.messages;
  else if (typeof row.prompt === 'string' && row.prompt.trim() !== '')
    messages = [{ role: 'user', content: row.prompt }];
  else
    return {
      location: '',
      field: 'messages',
      message: 'a row needs `messages` (a conversation ending on a user turn) or a non-empty `prompt` string',
    };
  const last = messages[messages.length - 1]!;
  if (last.role !== 'user') {
    return {
      location: '',
      field: `messages.${messages.length - 1}.role`,
      message: `the conversation must end on a user turn, not "${last.role}"`,
    };
  }
  if (last.content.trim() === '') {
    return { location: '', field: `messages.${messages.length - 1}.content`, message: 'the last user turn is empty' };
  }
  const metadata = row.metadata ?? {};
  const id = row.id === undefined ? promptContentId(messages) : String(row.id);
  return Prompt.parse({ id, messages, categories: row.categories ?? [], metadata });
}

/** Reads prompts from a JSONL, CSV or Parquet file; duplicate ids are an error (the id keys the run state). */
export async function readPrompts(file: string, options: { skipInvalid?: boolean } = {}): Promise<ReadPromptsResult> {
  const rows = await readTable(file);
  const prompts: Prompt[] = [];
  const invalid: InvalidRow[] = [];
  const seenIds = new Map<string, string>();
  for (const row of rows) {
    const result: Prompt | InvalidRow =
      row.record === undefined
        ? { location: row.location, field: '(line)', message: row.error ?? 'unreadable row' }
        : promptFromRecord(row.record);
    if ('field' in result) {
      const problem = { ...result, location: row.location };
      if (!options.skipInvalid) {
        throw new DataError(`${problem.field}: ${problem.message}`, {
          location: problem.location,
          hint: 'fix or remove this row, or pass --skip-invalid to skip bad rows (they are counted in the summary)',
        });
      }
      invalid.push(problem);
      continue;
    }
    let earlier = seenIds.get(result.id);
    if (earlier !== undefined && (row.record?.id === undefined || row.record.id === '')) {
      // The same conversation twice without ids: keep both under distinct ids; dedup decides what stays.
      let copy = 2;
      while (seenIds.has(`${result.id}-${copy}`)) copy++;
      result.id = `${result.id}-${copy}`;
      earlier = undefined;
    }
    if (earlier !== undefined) {
      const problem = {
        location: row.location,
        field: 'id',
        message: `duplicate id "${result.id}" (first at ${earlier})`,
      };
      if (!options.skipInvalid) {
        throw new DataError(`${problem.field}: ${problem.message}`, {
          location: problem.location,
          hint: 'give every row a unique id, or leave `id` out to use a content hash',
        });
      }
      invalid.push(problem);
      continue;
    }
    seenIds.set(result.id, row.location);
    prompts.push(result);
  }
  return { prompts, invalid };
}
