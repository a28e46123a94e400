import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTable } from './read-table.js';

const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-read-table-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('readTable (.json)', () => {
  it('reads a .json file holding one array of objects, item by item', async () => {
    const file = path.join(folder, 'prompts.json');
    writeFileSync(file, '[\n  {"id": "a", "prompt": "hi"},\n  {"id": "b", "prompt": "yo"},\n  3\n]\n');
    const rows = await readTable(file);
    expect(rows).toEqual([
      { location: `${file}:item 1`, record: { id: 'a', prompt: 'hi' } },
      { location: `${file}:item 2`, record: { id: 'b', prompt: 'yo' } },
      { location: `${file}:item 3`, record: undefined, error: 'the item is JSON but not an object' },
    ]);
  });

  it('still reads JSON Lines in a .json file', async () => {
    const file = path.join(folder, 'lines.json');
    writeFileSync(file, '{"id": "a", "prompt": "hi"}\n{"id": "b", "prompt": "yo"}\n');
    expect((await readTable(file)).map((row) => row.location)).toEqual([`${file}:1`, `${file}:2`]);
  });
});

describe('readTable (CSV)', () => {
  it('names the line where an unclosed quote opens, not the end of the file', async () => {
    const file = path.join(folder, 'unclosed.csv');
    writeFileSync(file, 'id,prompt\nc0,"multi\nline"\nc1,ok\nc2,"He said ""hi"" and\nc3,x\nc4,y\n');
    const error = await readTable(file).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ location: `${file}:5` });
    expect((error as Error).message).toContain('the record starting on line 5 is never closed');
  });

  it('reads quoted fields with commas, doubled quotes and newlines', async () => {
    const file = path.join(folder, 'good.csv');
    writeFileSync(file, 'id,prompt\nc0,"Hello, ""world""\nsecond line"\nc1,ok\n');
    const rows = await readTable(file);
    expect(rows.map((row) => row.record)).toEqual([
      { id: 'c0', prompt: 'Hello, "world"\nsecond line' },
      { id: 'c1', prompt: 'ok' },
    ]);
    expect(rows[1]!.location).toBe(`${file}:4`);
  });
});
