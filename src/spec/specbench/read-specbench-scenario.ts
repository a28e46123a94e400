/**
 * @module spec/specbench/read-specbench-scenario
 * Reads SpecBench scenario folders as the public dataset writes them (`scenario.json`, `specifications.json`,
 * `prompts.json`), checked with zod: a bad file is a DataError naming the file, the row and the field. Shared by
 * `spec import specbench`, `prompts import specbench` and the `specbench` benchmark, so all three read one format.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { DataError } from '../../errors.js';
import { SpecBenchPromptRow, SpecBenchScenarioFile, SpecBenchSpecificationsFile } from '../../records/specbench.js';

/** One scenario: its category id (the folder name, lower-cased), its files' content. */
export interface SpecBenchScenario {
  /** The category id it becomes: the folder name in lower case (`Child` → `child`). */
  id: string;
  folder: string;
  scenario: SpecBenchScenarioFile;
  specifications: SpecBenchSpecificationsFile;
}

const specificationsFile = 'specifications.json';

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DataError(`cannot read ${path.basename(file)}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      location: file,
      hint: 'a SpecBench scenario folder holds scenario.json, specifications.json and prompts.json',
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DataError(`not valid JSON: ${(error as Error).message}`, {
      location: file,
      hint: 'restore the file from the SpecBench dataset',
    });
  }
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, location: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : '(file)';
  throw new DataError(`${field}: ${issue.message}`, {
    location,
    hint: 'the file must keep the SpecBench layout (see docs/evals.md, "specbench")',
  });
}

/** Is this folder a scenario (it has specifications.json)? */
export function isSpecBenchScenarioFolder(folder: string): boolean {
  return existsSync(path.join(folder, specificationsFile));
}

/**
 * The scenario folders at `folder`: the folder itself when it is one, else its sub-folders that are, sorted by name.
 * None is a DataError with the layout expected.
 */
export function findSpecBenchScenarioFolders(folder: string): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new DataError(`not a folder: ${folder}`, {
      hint: 'pass a SpecBench scenario folder (with specifications.json) or the folder that holds the scenarios',
    });
  }
  if (isSpecBenchScenarioFolder(folder)) return [folder];
  const found = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && isSpecBenchScenarioFolder(path.join(folder, entry.name)))
    .map((entry) => path.join(folder, entry.name))
    .sort();
  if (found.length === 0) {
    throw new DataError(`no SpecBench scenario in ${folder}`, {
      hint: 'a scenario folder holds scenario.json, specifications.json and prompts.json (e.g. SpecBench data/Child)',
    });
  }
  return found;
}

/** The category id of a scenario folder: its name in lower case, with other characters than a-z 0-9 _ - as `-`. */
export function specBenchScenarioId(folder: string): string {
  const id = path
    .basename(path.resolve(folder))
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z]+/, '');
  if (id === '') {
    throw new DataError(`cannot make a category id from the folder name "${path.basename(folder)}"`, {
      location: folder,
      hint: 'rename the folder to start with a letter (e.g. Child, Code)',
    });
  }
  return id;
}

/** Reads one scenario folder's scenario.json and specifications.json. */
export function readSpecBenchScenario(folder: string): SpecBenchScenario {
  const scenarioPath = path.join(folder, 'scenario.json');
  const specificationsPath = path.join(folder, specificationsFile);
  return {
    id: specBenchScenarioId(folder),
    folder,
    scenario: parseWith(SpecBenchScenarioFile, readJsonFile(scenarioPath), scenarioPath),
    specifications: parseWith(SpecBenchSpecificationsFile, readJsonFile(specificationsPath), specificationsPath),
  };
}

/** Reads one scenario folder's prompts.json: every row checked, a bad one named by its 1-based position. */
export function readSpecBenchPrompts(folder: string): SpecBenchPromptRow[] {
  const file = path.join(folder, 'prompts.json');
  const value = readJsonFile(file);
  if (!Array.isArray(value) || value.length === 0) {
    throw new DataError('prompts.json is not a non-empty JSON array', {
      location: file,
      hint: 'restore the file from the SpecBench dataset: an array of {prompt, adversarial_prompt, label, source, answer}',
    });
  }
  return value.map((row, index) => parseWith(SpecBenchPromptRow, row, `${file} row ${index + 1}`));
}
