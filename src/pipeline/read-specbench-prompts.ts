/**
 * @module pipeline/read-specbench-prompts
 * A SpecBench scenario's `prompts.json`, read unchanged as the prompts file of a run (`prompts: data/Child/prompts.json`
 * beside the scenario's specifications.json). Each row becomes a Prompt:
 * - category: the scenario's id (the folder name in lower case, as `spec import specbench` names the category);
 * - id: `<scenario>-<n>` (n = the 1-based item), stable while the file is unchanged;
 * - hint: `safe` → idealAction `comply`; `unsafe` → no hint (the row does not say whether a refusal or a safe
 *   completion is right: that depends on the rule it crosses);
 * - the adversarial rewrite, when it differs from the prompt, is its own prompt `<scenario>-<n>-adversarial` right after
 *   it (`intake.specbenchAdversarial: false` leaves them out);
 * - the intake report counts the file's rows (a rewrite is a prompt, not a row);
 * - `metadata.specbench` keeps the scenario, item, label, variant, the row's source and its reference answer.
 * A malformed row is a DataError at `file:item N` naming the field, or with `skipInvalid` a counted skip.
 * `prompts:` may also be a scenario folder or the folder of scenarios: every scenario's prompts.json, in folder order.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';
import { readTable, type TableRow } from '../io/read-table.js';
import type { IdealAction, Prompt } from '../records/prompt.js';
import { SpecBenchPromptRow } from '../records/specbench.js';
import {
  findSpecBenchScenarioFolders,
  isSpecBenchScenarioFolder,
  specBenchScenarioId,
} from '../spec/specbench/read-specbench-scenario.js';
import { type InvalidRow, type PromptRowLimits, promptFromRecord, type ReadPromptsResult } from './read-prompts.js';

/** The idealAction hint of a SpecBench label: only where the label says the action. */
export const specBenchLabelHints: Record<SpecBenchPromptRow['label'], IdealAction | undefined> = {
  safe: 'comply',
  unsafe: undefined,
};

export interface ReadSpecBenchPromptsOptions {
  skipInvalid?: boolean;
  limits?: PromptRowLimits;
  /** Each differing adversarial rewrite as its own prompt (default true). */
  adversarial?: boolean;
}

const rowLayout =
  'a SpecBench prompts.json row is {prompt, adversarial_prompt, label: "safe" | "unsafe", source, answer}';
/** Enough of a file's start to see whether its first row is a SpecBench row. */
const sniffBytes = 4096;

/**
 * The scenario folder of a SpecBench prompts file: a `.json` file beside a specifications.json. A `.json` file
 * elsewhere whose rows look like SpecBench's is an error (its category would be unknown); anything else is undefined.
 */
export function specBenchScenarioOfPromptsFile(file: string): string | undefined {
  if (path.extname(file).toLowerCase() !== '.json') return undefined;
  const folder = path.dirname(file);
  if (isSpecBenchScenarioFolder(folder)) return folder;
  let start: string;
  try {
    start = readFileSync(file).subarray(0, sniffBytes).toString('utf8');
  } catch {
    return undefined; // readPrompts reports the unreadable file
  }
  if (/^\s*\[\s*\{/.test(start) && start.includes('"adversarial_prompt"')) {
    throw new DataError('this looks like a SpecBench prompts.json, but its folder has no specifications.json', {
      location: file,
      hint: 'point `prompts:` at prompts.json inside its SpecBench scenario folder (e.g. data/Child/prompts.json): the category comes from that folder',
    });
  }
  return undefined;
}

function invalidRow(row: TableRow, field: string, message: string): InvalidRow {
  return { location: row.location, field, message, hint: `${rowLayout}; fix or remove it, or pass --skip-invalid` };
}

/** One row → its prompts (the original, then the adversarial rewrite), or the problem with it. */
function promptsOfRow(
  row: TableRow,
  item: number,
  scenario: { id: string; name: string },
  options: ReadSpecBenchPromptsOptions,
): Prompt[] | InvalidRow {
  if (row.record === undefined) return invalidRow(row, '(item)', row.error ?? 'unreadable row');
  const parsed = SpecBenchPromptRow.strict().safeParse(row.record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return invalidRow(row, issue.path.join('.') || '(item)', issue.message);
  }
  const { prompt, adversarial_prompt: adversarial, label, source, answer } = parsed.data;
  const idealAction = specBenchLabelHints[label];
  const variants: Array<{ variant: 'original' | 'adversarial'; text: string }> = [
    { variant: 'original', text: prompt },
  ];
  if (options.adversarial !== false && adversarial.trim() !== prompt.trim())
    variants.push({ variant: 'adversarial', text: adversarial });
  const prompts: Prompt[] = [];
  for (const { variant, text } of variants) {
    const result = promptFromRecord(
      {
        id: variant === 'original' ? `${scenario.id}-${item}` : `${scenario.id}-${item}-adversarial`,
        prompt: text,
        categories: [scenario.id],
        metadata: {
          ...(idealAction === undefined ? {} : { idealAction, labelSource: 'human' }),
          source: source === '' ? 'specbench' : `specbench:${source}`,
          specbench: { scenario: scenario.name, item, label, variant, source, ...(answer === '' ? {} : { answer }) },
        },
      },
      { limits: options.limits },
    );
    if ('field' in result) return { ...result, location: row.location, field: `${variant}: ${result.field}` };
    prompts.push(result);
  }
  return prompts;
}

/** Reads a SpecBench scenario's prompts.json (see the module comment). */
export async function readSpecBenchPromptsFile(
  file: string,
  scenarioFolder: string,
  options: ReadSpecBenchPromptsOptions = {},
): Promise<ReadPromptsResult & { rows: number }> {
  const rows = await readTable(file);
  if (rows.length > 0 && !rows[0]!.location.startsWith(`${file}:item `)) {
    throw new DataError('a SpecBench prompts.json must hold one JSON array of rows', {
      location: file,
      hint: `${rowLayout}; restore the file from the SpecBench dataset`,
    });
  }
  const scenario = { id: specBenchScenarioId(scenarioFolder), name: path.basename(path.resolve(scenarioFolder)) };
  const result = {
    prompts: [] as Prompt[],
    invalid: [] as InvalidRow[],
    locations: new Map<string, string>(),
    warnings: [],
    rows: rows.length,
  };
  rows.forEach((row, index) => {
    const read = promptsOfRow(row, index + 1, scenario, options);
    if (!Array.isArray(read)) {
      if (!options.skipInvalid) {
        throw new DataError(`${read.field}: ${read.message}`, { location: read.location, hint: read.hint });
      }
      result.invalid.push(read);
      return;
    }
    for (const prompt of read) {
      result.prompts.push(prompt);
      result.locations.set(prompt.id, row.location);
    }
  });
  return result;
}

/**
 * `prompts:` as a folder: a SpecBench scenario folder, or the folder of scenarios `spec import specbench` took (one
 * category each), read as every scenario's prompts.json in folder-name order. Undefined when `source` is not a folder.
 */
export function specBenchPromptsFolders(source: string): string[] | undefined {
  if (!existsSync(source) || !statSync(source).isDirectory()) return undefined;
  try {
    return findSpecBenchScenarioFolders(source);
  } catch {
    throw new DataError('the prompts path is a folder with no SpecBench scenario in it', {
      location: source,
      hint: 'give a JSONL, CSV or Parquet file, or a SpecBench scenario folder (scenario.json, specifications.json, prompts.json) or the folder that holds them',
    });
  }
}

/** Every scenario's prompts.json of a SpecBench folder (see specBenchPromptsFolders), as one prompts file. */
export async function readSpecBenchPromptsFolders(
  folders: readonly string[],
  options: ReadSpecBenchPromptsOptions = {},
): Promise<ReadPromptsResult & { rows: number }> {
  const result = { prompts: [] as Prompt[], invalid: [] as InvalidRow[], locations: new Map<string, string>() };
  const seen = new Map<string, string>();
  let rows = 0;
  for (const folder of folders) {
    const id = specBenchScenarioId(folder);
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      throw new DataError(`scenario folders ${earlier} and ${folder} both become category "${id}"`, {
        hint: 'point `prompts:` at one scenario folder, or rename one of them',
      });
    }
    seen.set(id, folder);
    const read = await readSpecBenchPromptsFile(path.join(folder, 'prompts.json'), folder, options);
    result.prompts.push(...read.prompts);
    result.invalid.push(...read.invalid);
    for (const [promptId, location] of read.locations) result.locations.set(promptId, location);
    rows += read.rows;
  }
  return { ...result, warnings: [], rows };
}
