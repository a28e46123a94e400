import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { readDatasetRows } from './dataset-file.js';

const folder = mkdtempSync(path.join(tmpdir(), 'dataset-file-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(folder, name);
  writeFileSync(file, text);
  return file;
}

async function errorOf(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe('readDatasetRows', () => {
  it('reads the rows as strings with their locations', async () => {
    const file = write('ok.csv', 'id,prompt,type\n1,How do I kill a process?,homonyms\n');
    expect(await readDatasetRows(file, ['id', 'prompt'], { nonEmpty: ['prompt'] })).toEqual([
      { location: `${file}:2`, record: { id: '1', prompt: 'How do I kill a process?', type: 'homonyms' } },
    ]);
  });

  it('names the missing columns and the row', async () => {
    const file = write('wrong.csv', 'a,b\n1,2\n');
    const error = await errorOf(readDatasetRows(file, ['id', 'prompt']));
    expect(error.message).toBe('missing columns id, prompt');
    expect(error.location).toBe(`${file}:2`);
    expect(error.hint).toBe('the file needs the columns id, prompt');
  });

  it('stops at a row whose prompt is empty instead of sending an empty request', async () => {
    const file = write('empty-prompt.csv', 'id,prompt,type\n1,hello,homonyms\n2,  ,homonyms\n');
    const error = await errorOf(readDatasetRows(file, ['id', 'prompt', 'type'], { nonEmpty: ['prompt'] }));
    expect(error.message).toBe('empty prompt');
    expect(error.location).toBe(`${file}:3`);
    expect(error.hint).toContain('the prompt column');
    // Columns outside nonEmpty may stay empty.
    const rows = await readDatasetRows(write('empty-type.csv', 'id,prompt,type\n1,hello,\n'), ['type']);
    expect(rows[0]!.record.type).toBe('');
  });

  it('an empty file or a header without rows is an error naming the file', async () => {
    for (const [name, text] of [
      ['empty.csv', ''],
      ['header.csv', 'category,source,forbidden_prompt\n'],
    ] as const) {
      const file = write(name, text);
      const error = await errorOf(readDatasetRows(file, ['forbidden_prompt']));
      expect(error.message).toBe('the dataset has no rows');
      expect(error.location).toBe(file);
    }
  });
});
