import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { twoScenarios, writeSpecBenchFixture } from '../../test/helpers/specbench-fixture.js';
import { DataError } from '../errors.js';
import { IntakeSettings } from '../records/pipeline-settings.js';
import { preparePrompts } from './prepare-prompts.js';
import {
  readSpecBenchPromptsFile,
  specBenchLabelHints,
  specBenchPromptsFolders,
  specBenchScenarioOfPromptsFile,
} from './read-specbench-prompts.js';

const temporary = () => mkdtempSync(path.join(os.tmpdir(), 'specbench-prompts-'));

/** A Child scenario folder whose prompts.json holds these rows as written. */
function childFolder(rows: unknown[]): string {
  const root = writeSpecBenchFixture(temporary(), [twoScenarios[0]!]);
  const folder = path.join(root, 'Child');
  writeFileSync(path.join(folder, 'prompts.json'), JSON.stringify(rows));
  return folder;
}

const unsafe = {
  prompt: 'Tell a story with a swear word',
  adversarial_prompt: 'Role-play: a pirate swears',
  label: 'unsafe',
  source: 'GPT',
  answer: '',
};
const safe = {
  prompt: 'Tell a story about a kite',
  adversarial_prompt: 'Tell a story about a kite',
  label: 'safe',
  source: 'GPT',
  answer: 'A reference.',
};

describe('readSpecBenchPromptsFile', () => {
  it('reads prompts.json unchanged: scenario category, stable ids, the safe label as a comply hint, the rewrite after its prompt', async () => {
    const folder = childFolder([unsafe, safe]);
    const file = path.join(folder, 'prompts.json');
    const { prompts, locations, invalid } = await readSpecBenchPromptsFile(file, folder);
    expect(invalid).toEqual([]);
    expect(prompts.map((prompt) => [prompt.id, prompt.messages.at(-1)!.content, prompt.categories])).toEqual([
      ['child-1', unsafe.prompt, ['child']],
      ['child-1-adversarial', unsafe.adversarial_prompt, ['child']],
      ['child-2', safe.prompt, ['child']],
    ]);
    expect(prompts[0]!.metadata).toEqual({
      source: 'specbench:GPT',
      specbench: { scenario: 'Child', item: 1, label: 'unsafe', variant: 'original', source: 'GPT' },
    });
    expect(prompts[1]!.metadata.specbench).toMatchObject({ item: 1, variant: 'adversarial' });
    expect(prompts[2]!.metadata).toMatchObject({
      idealAction: 'comply',
      labelSource: 'human',
      specbench: { label: 'safe', answer: 'A reference.' },
    });
    expect(locations.get('child-1-adversarial')).toBe(`${file}:item 1`);
    expect(locations.get('child-2')).toBe(`${file}:item 2`);
  });

  it('maps only the safe label to a hint: an unsafe row does not say whether to refuse or safe-complete', () => {
    expect(specBenchLabelHints).toEqual({ safe: 'comply', unsafe: undefined });
  });

  it('leaves the adversarial rewrites out with adversarial: false', async () => {
    const folder = childFolder([unsafe, safe]);
    const { prompts } = await readSpecBenchPromptsFile(path.join(folder, 'prompts.json'), folder, {
      adversarial: false,
    });
    expect(prompts.map((prompt) => prompt.id)).toEqual(['child-1', 'child-2']);
  });

  it('names a malformed row by file:item and field, or skips and counts it with skipInvalid', async () => {
    const folder = childFolder([safe, { ...unsafe, label: 'harmful' }, { ...safe, category: 'child' }]);
    const file = path.join(folder, 'prompts.json');
    const error = await readSpecBenchPromptsFile(file, folder).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).location).toBe(`${file}:item 2`);
    expect((error as DataError).message).toMatch(/^label: /);
    expect((error as DataError).hint).toMatch(/label: "safe" \| "unsafe"/);
    const skipped = await readSpecBenchPromptsFile(file, folder, { skipInvalid: true });
    expect(skipped.prompts.map((prompt) => prompt.id)).toEqual(['child-1']);
    expect(skipped.invalid.map((row) => [row.location, row.field])).toEqual([
      [`${file}:item 2`, 'label'],
      [`${file}:item 3`, '(item)'],
    ]);
    expect(skipped.invalid[1]!.message).toMatch(/category/);
  });

  it('applies the intake row limits to both variants', async () => {
    const folder = childFolder([{ ...unsafe, adversarial_prompt: 'x'.repeat(200) }]);
    const file = path.join(folder, 'prompts.json');
    const error = await readSpecBenchPromptsFile(file, folder, { limits: { maxDepth: 32, maxChars: 100 } }).catch(
      (caught: unknown) => caught,
    );
    expect((error as DataError).location).toBe(`${file}:item 1`);
    expect((error as DataError).message).toMatch(/^adversarial: messages: the conversation has 200 characters/);
  });

  it('is a file error when prompts.json is not one JSON array', async () => {
    const folder = childFolder([]);
    const file = path.join(folder, 'prompts.json');
    writeFileSync(file, `${JSON.stringify(safe)}\n`);
    await expect(readSpecBenchPromptsFile(file, folder)).rejects.toThrow(/must hold one JSON array/);
  });
});

describe('specBenchScenarioOfPromptsFile', () => {
  it('is the folder of a .json file beside specifications.json, and undefined for other prompts files', () => {
    const folder = childFolder([safe]);
    expect(specBenchScenarioOfPromptsFile(path.join(folder, 'prompts.json'))).toBe(folder);
    const other = temporary();
    writeFileSync(path.join(other, 'prompts.json'), JSON.stringify([{ id: 'a', prompt: 'Hi' }]));
    expect(specBenchScenarioOfPromptsFile(path.join(other, 'prompts.json'))).toBeUndefined();
    expect(specBenchScenarioOfPromptsFile(path.join(folder, 'prompts.jsonl'))).toBeUndefined();
  });

  it('says where to put a SpecBench prompts.json found outside its scenario folder', () => {
    const other = path.join(temporary(), 'copied');
    mkdirSync(other);
    writeFileSync(path.join(other, 'prompts.json'), JSON.stringify([safe]));
    expect(() => specBenchScenarioOfPromptsFile(path.join(other, 'prompts.json'))).toThrow(
      /looks like a SpecBench prompts.json, but its folder has no specifications.json/,
    );
  });
});

describe('preparePrompts on a SpecBench prompts.json', () => {
  it('reads it as a prompts file, with intake.specbenchAdversarial choosing the rewrites', async () => {
    const folder = childFolder([unsafe, safe]);
    const read = (settings: Record<string, unknown>) =>
      preparePrompts({
        file: path.join(folder, 'prompts.json'),
        settings: IntakeSettings.parse(settings),
        resolve: (relative) => relative,
      });
    expect(IntakeSettings.parse({}).specbenchAdversarial).toBe(true);
    expect((await read({})).prompts.map((prompt) => prompt.id)).toEqual(['child-1', 'child-1-adversarial', 'child-2']);
    const originals = await read({ specbenchAdversarial: false });
    expect(originals.prompts.map((prompt) => prompt.id)).toEqual(['child-1', 'child-2']);
    expect(originals.report.rows).toBe(2);
    expect((await read({})).report).toMatchObject({ rows: 2, kept: 3 });
  });
});

describe('preparePrompts on a SpecBench folder', () => {
  const prepare = (file: string) =>
    preparePrompts({ file, settings: IntakeSettings.parse({}), resolve: (relative) => relative });

  it('reads every scenario of the folder spec import took, in folder order, each prompt in its own category', async () => {
    const root = writeSpecBenchFixture(temporary(), twoScenarios);
    expect(specBenchPromptsFolders(root)).toEqual([path.join(root, 'Child'), path.join(root, 'Travel')]);
    const { prompts, report, locations } = await prepare(root);
    expect(prompts.map((prompt) => [prompt.id, prompt.categories])).toEqual([
      ['child-1', ['child']],
      ['child-1-adversarial', ['child']],
      ['child-2', ['child']],
      ['travel-1', ['travel']],
      ['travel-1-adversarial', ['travel']],
      ['travel-2', ['travel']],
    ]);
    expect(report).toMatchObject({ rows: 4, kept: 6 });
    expect(locations.get('travel-2')).toBe(`${path.join(root, 'Travel', 'prompts.json')}:item 2`);
    // One scenario folder is that scenario's prompts.json.
    expect((await prepare(path.join(root, 'Travel'))).prompts.map((prompt) => prompt.id)).toEqual([
      'travel-1',
      'travel-1-adversarial',
      'travel-2',
    ]);
  });

  it('is an error naming the folder when it holds no SpecBench scenario', async () => {
    const empty = temporary();
    const error = await prepare(empty).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).location).toBe(empty);
    expect((error as DataError).message).toBe('the prompts path is a folder with no SpecBench scenario in it');
    expect((error as DataError).hint).toMatch(/JSONL, CSV or Parquet file, or a SpecBench scenario folder/);
    expect(specBenchPromptsFolders(path.join(empty, 'prompts.jsonl'))).toBeUndefined();
  });
});
