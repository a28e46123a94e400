/**
 * @module pipeline/read-prompts
 * Prompt intake: JSONL, CSV or Parquet rows → Prompt records. A row is `messages` (a conversation ending on a user
 * turn) or a `prompt` string, with optional `id`, `categories` and `metadata`; any other key is an error (a misspelled
 * `category` would otherwise be silently ignored). A bad row is a DataError naming file:line and the field, or, with
 * `skipInvalid`, a skipped row that is counted and reported. An unknown CSV or Parquet column is an error at the header.
 */
import { z } from 'zod';
import { DataError } from '../errors.js';
import { editDistance } from '../io/edit-distance.js';
import { type TableFormat, type TableRow, tableFormatOf } from '../io/read-table.js';
import { binaryFileError, readTableRows } from '../io/read-table-rows.js';
import { stableHash } from '../io/stable-hash.js';
import { createDeprecatedWords, deprecatedActionWords, readActionWord } from '../records/action.js';
import { Message } from '../records/message.js';
import { Prompt, PromptMetadata } from '../records/prompt.js';

export interface InvalidRow {
  location: string;
  field: string;
  message: string;
  /** How to fix it, when more specific than "fix or remove this row". */
  hint?: string;
}

/** The keys a prompt row may have (`schemaVersion`: rows written as Prompt records). */
export const promptRowKeys = ['id', 'messages', 'prompt', 'categories', 'metadata', 'schemaVersion'] as const;
/** Keys that belong inside `metadata`. */
const metadataKeys = ['idealAction', 'labelSource', 'source'];
/** Other names people use for an allowed key. */
const keyAliases: Record<string, string> = {
  text: 'prompt',
  question: 'prompt',
  input: 'prompt',
  instruction: 'prompt',
  query: 'prompt',
  conversation: 'messages',
  chat: 'messages',
  label: 'categories',
  labels: 'categories',
  tags: 'categories',
  meta: 'metadata',
};

/** The allowed key an unknown one most likely meant (`category` → `categories`), or undefined. */
export function suggestPromptKey(key: string): string | undefined {
  const lower = key.toLowerCase().replace(/[\s_-]/g, '');
  const allowed = promptRowKeys.filter((name) => name !== 'schemaVersion');
  const exact = allowed.find((name) => name.toLowerCase() === lower);
  if (exact) return exact;
  if (keyAliases[lower]) return keyAliases[lower];
  let best: { name: string; distance: number } | undefined;
  for (const name of allowed) {
    const distance = editDistance(lower, name);
    const close = distance <= Math.max(2, Math.floor(name.length / 3)) || (lower.length >= 3 && name.startsWith(lower));
    if (close && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** The problem with a row's unknown keys (named with the likely fix), or undefined when every key is allowed. */
export function unknownPromptKeys(keys: readonly string[]): Omit<InvalidRow, 'location'> | undefined {
  const unknown = keys.filter((key) => !(promptRowKeys as readonly string[]).includes(key));
  if (unknown.length === 0) return undefined;
  const fixes = unknown.map((key) => {
    const metadataKey = metadataKeys.find((name) => name.toLowerCase() === key.toLowerCase().replace(/[_-]/g, ''));
    if (metadataKey) return `move \`${key}\` into \`metadata\` (as \`metadata.${metadataKey}\`)`;
    const suggestion = suggestPromptKey(key);
    return suggestion === undefined
      ? `remove \`${key}\` or move it into \`metadata\``
      : `did you mean \`${suggestion}\`?`;
  });
  const described = unknown.map((key, index) => `"${key}" (${fixes[index]})`).join(', ');
  return {
    field: unknown[0]!,
    message: `unknown key${unknown.length === 1 ? '' : 's'} ${described}`,
    hint: `a row has only ${promptRowKeys
      .filter((name) => name !== 'schemaVersion')
      .map((name) => `\`${name}\``)
      .join(', ')}; anything else goes inside \`metadata\` (or pass --skip-invalid to skip such rows)`,
  };
}

export interface ReadPromptsResult {
  prompts: Prompt[];
  /** Rows skipped with `skipInvalid` (empty otherwise: the first bad row throws). */
  invalid: InvalidRow[];
  /** Where each kept prompt came from (`file:line`, `file:row N`), by prompt id: later checks name the row. */
  locations: Map<string, string>;
  /** `file:line: …` for what was read but should be written otherwise (an `allow` hint: write `comply`). */
  warnings: string[];
}

/** Limits checked on every row at intake, before any request (a hostile row must fail here, not in export). */
export interface PromptRowLimits {
  /** Nesting levels of objects and arrays in a row (metadata included). */
  maxDepth: number;
  /** Characters of a row's conversation (all turns). */
  maxChars: number;
}

export const defaultPromptRowLimits: PromptRowLimits = { maxDepth: 32, maxChars: 1_000_000 };

/** The nesting depth of a value, counted without recursion (a 100,000-level value must not overflow the stack). */
function nestingDepth(value: unknown, stopAt: number): number {
  let deepest = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > stopAt) return deepest;
    for (const child of Object.values(current)) stack.push({ value: child, depth: level });
  }
  return deepest;
}

/** The limit a row breaks, or undefined. */
function rowLimitProblem(
  record: Record<string, unknown>,
  limits: PromptRowLimits,
): Omit<InvalidRow, 'location'> | undefined {
  const depth = nestingDepth(record, limits.maxDepth);
  if (depth > limits.maxDepth) {
    return {
      field: '(record)',
      message: `the row is nested more than ${limits.maxDepth} levels deep`,
      hint: `flatten the metadata (a row may nest ${limits.maxDepth} levels: intake.maxRowDepth raises it), or pass --skip-invalid to skip such rows`,
    };
  }
  return undefined;
}

/** A string or a list: CSV cells hold `a;b` or a JSON array. Only for CSV: JSONL and Parquet hold real lists. */
const CsvCategoriesField = z.preprocess(
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

/** Metadata as a row may write it: an old action word (`allow`) as the hint is read too, with a warning. */
const MetadataInput = PromptMetadata.extend({
  idealAction: z
    .enum([...PromptMetadata.shape.idealAction.unwrap().options, ...Object.keys(deprecatedActionWords)])
    .optional(),
});

/** A CSV row: text cells, JSON text for structured fields, `a;b` categories. */
const CsvPromptRow = z
  .object({
    id: z.union([z.string().min(1), z.number()]).optional(),
    // An empty CSV cell is an absent field: the preprocessed value may be undefined.
    messages: z.preprocess(jsonCell, z.array(Message).min(1).optional()),
    prompt: z.string().optional(),
    categories: CsvCategoriesField.optional(),
    metadata: z.preprocess(jsonCell, MetadataInput.optional()),
  })
  .loose();

/** A JSONL or Parquet row: every field has its own type; a wrong one is an error, never coerced. */
const TypedPromptRow = z
  .object({
    id: z.union([z.string().min(1), z.number()]).optional(),
    messages: z.array(Message).min(1).optional(),
    prompt: z.string().optional(),
    categories: z
      .array(z.string().min(1), { error: 'categories must be a list of category ids, e.g. ["illicit"]' })
      .nullish(),
    metadata: MetadataInput.optional(),
  })
  .loose();

/** The content id of a prompt without an `id`: a hash of its conversation (so re-reading gives the same id). */
export function promptContentId(messages: readonly Message[]): string {
  return `p-${stableHash(messages.map((message) => ({ role: message.role, content: message.content }))).slice(0, 16)}`;
}

/** How a row is read: CSV cells, the limits, and where a deprecation warning goes. */
export interface PromptRowOptions {
  csv?: boolean;
  limits?: PromptRowLimits;
  /** Called with the old word when the row's hint uses one (idealAction `allow`); it is read all the same. */
  onDeprecated?: (message: string) => void;
}

function promptFromTableRecord(
  record: Record<string, unknown>,
  table: boolean,
  options: PromptRowOptions,
): Prompt | InvalidRow {
  if (!table) return promptFromRecord(record, options);
  const folded = foldMetadataColumns(record);
  return 'invalid' in folded ? folded.invalid : promptFromRecord(folded.record, options);
}

/** Turns one table record into a Prompt, or says which field is wrong. */
export function promptFromRecord(record: Record<string, unknown>, options: PromptRowOptions = {}): Prompt | InvalidRow {
  const unknownKeys = unknownPromptKeys(Object.keys(record));
  if (unknownKeys) return { location: '', ...unknownKeys };
  const limits = options.limits ?? defaultPromptRowLimits;
  const tooDeep = rowLimitProblem(record, limits);
  if (tooDeep) return { location: '', ...tooDeep };
  const parsed = (options.csv ? CsvPromptRow : TypedPromptRow).safeParse(record);
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
  const characters = messages.reduce((sum, message) => sum + message.content.length, 0);
  if (characters > limits.maxChars) {
    return {
      location: '',
      field: 'messages',
      message: `the conversation has ${characters} characters, more than the limit of ${limits.maxChars}`,
      hint: 'shorten or remove this prompt (intake.maxPromptChars raises the limit), or pass --skip-invalid',
    };
  }
  const metadata = { ...row.metadata };
  const hint = readActionWord(metadata.idealAction);
  if (hint?.deprecated) {
    options.onDeprecated?.(hint.deprecated);
    metadata.idealAction = hint.action;
  }
  const id = row.id === undefined ? promptContentId(messages) : String(row.id);
  return Prompt.parse({ id, messages, categories: row.categories ?? [], metadata });
}

/**
 * A table (CSV, Parquet) may hold `idealAction`, `labelSource` and `source` as plain columns: they are folded into
 * `metadata` (an empty cell is no value). A value given both ways must agree.
 */
export function foldMetadataColumns(
  record: Record<string, unknown>,
): { record: Record<string, unknown> } | { invalid: InvalidRow } {
  const columns = metadataKeys.filter((key) => key in record);
  if (columns.length === 0) return { record };
  const { metadata: given, ...rest } = record;
  const parsed = jsonCell(given);
  const metadata: Record<string, unknown> =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? { ...parsed } : {};
  if (parsed !== undefined && (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))) {
    return { invalid: { location: '', field: 'metadata', message: 'metadata must be a JSON object' } };
  }
  for (const key of columns) {
    const value = rest[key];
    delete rest[key];
    if (value === undefined || value === null || value === '') continue;
    if (metadata[key] !== undefined && metadata[key] !== value) {
      const message = `the ${key} column says "${value}" and metadata.${key} says "${metadata[key]}"`;
      return { invalid: { location: '', field: key, message } };
    }
    metadata[key] = value;
  }
  return { record: { ...rest, metadata } };
}

/**
 * Where the ids read so far came from: `readPrompts` keeps them in a Map; intake at scale keeps them in a typed-array
 * index over a spool of the rows (see spool-prompts).
 */
export interface PromptIdIndex {
  /** The location of the row that first had this id, or undefined. */
  locationOf(id: string): string | undefined;
  /** Called for each prompt read, in file order (its id is new). */
  add(prompt: Prompt, location: string): void;
}

/** Reads prompts from a JSONL, CSV or Parquet file; duplicate ids are an error (the id keys the run state). */
export async function readPrompts(
  file: string,
  options: { skipInvalid?: boolean; limits?: PromptRowLimits } = {},
): Promise<ReadPromptsResult> {
  const prompts: Prompt[] = [];
  const locations = new Map<string, string>();
  const { invalid, warnings } = await readPromptsInto(file, options, {
    locationOf: (id) => locations.get(id),
    add(prompt, location) {
      locations.set(prompt.id, location);
      prompts.push(prompt);
    },
  });
  return { prompts, invalid, locations, warnings };
}

/** A misspelled CSV or Parquet column is one error at the header, never a skip of every row. */
function checkHeader(file: string, firstRecord: Record<string, unknown> | undefined): void {
  const format = tableFormatOf(file);
  if ((format !== 'csv' && format !== 'parquet') || !firstRecord) return;
  const problem = unknownPromptKeys(Object.keys(firstRecord).filter((key) => !metadataKeys.includes(key)));
  if (problem) {
    throw new DataError(`${problem.field}: ${problem.message.replace(/^unknown key/, 'unknown column')}`, {
      location: format === 'csv' ? `${file}:1` : file,
      hint: `rename or remove the column; a prompts table has only id, messages, prompt, categories, metadata, idealAction, labelSource and source columns`,
    });
  }
}

/** The row as a Prompt, or the problem at its location. */
function promptOfRow(row: TableRow, format: TableFormat, options: PromptRowOptions): Prompt | InvalidRow {
  const result: Prompt | InvalidRow =
    row.record === undefined
      ? { location: row.location, field: '(line)', message: row.error ?? 'unreadable row' }
      : promptFromTableRecord(row.record, format === 'csv' || format === 'parquet', {
          ...options,
          csv: format === 'csv',
        });
  return 'field' in result ? { ...result, location: row.location } : result;
}

/**
 * Reads the rows one by one into `index` (nothing else is kept per row): each valid prompt with a new id is added;
 * a bad row throws, or with `skipInvalid` is returned in `invalid`.
 */
export async function readPromptsInto(
  file: string,
  options: { skipInvalid?: boolean; limits?: PromptRowLimits },
  index: PromptIdIndex,
): Promise<Omit<ReadPromptsResult, 'prompts' | 'locations'>> {
  const format = tableFormatOf(file);
  const invalid: InvalidRow[] = [];
  const deprecated = createDeprecatedWords();
  let first = true;
  for await (const row of readTableRows(file)) {
    if (first) checkHeader(file, row.record);
    first = false;
    const result = promptOfRow(row, format, {
      limits: options.limits,
      onDeprecated: (word) => deprecated.add(row.location, word),
    });
    const problem = 'field' in result ? result : uniqueId(result, row, index);
    if (problem) {
      // A binary file is one error, reported before any row's (as when the whole file was read first).
      if (!options.skipInvalid) {
        throw binaryFileError(file) ?? invalidRowError(problem, 'field' in result ? result.hint : duplicateIdHint);
      }
      invalid.push(problem);
      continue;
    }
    index.add(result as Prompt, row.location);
  }
  return { invalid, warnings: deprecated.warnings('metadata.idealAction') };
}

/** Gives a repeated conversation without an id a distinct id; a repeated given id is the row's problem. */
function uniqueId(prompt: Prompt, row: TableRow, index: PromptIdIndex): InvalidRow | undefined {
  let earlier = index.locationOf(prompt.id);
  if (earlier !== undefined && (row.record?.id === undefined || row.record.id === '')) {
    // The same conversation twice without ids: keep both under distinct ids; dedup decides what stays.
    let copy = 2;
    while (index.locationOf(`${prompt.id}-${copy}`) !== undefined) copy++;
    prompt.id = `${prompt.id}-${copy}`;
    earlier = undefined;
  }
  if (earlier === undefined) return undefined;
  return { location: row.location, field: 'id', message: `duplicate id "${prompt.id}" (first at ${earlier})` };
}

const duplicateIdHint = 'give every row a unique id, or leave `id` out to use a content hash';

function invalidRowError(problem: InvalidRow, hint: string | undefined): DataError {
  return new DataError(`${problem.field}: ${problem.message}`, {
    location: problem.location,
    hint: hint ?? 'fix or remove this row, or pass --skip-invalid to skip bad rows (they are counted in the summary)',
  });
}
