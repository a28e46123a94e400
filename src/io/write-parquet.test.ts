import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { writeParquet } from './write-parquet.js';

const read = async (file: string) => {
  const bytes = readFileSync(file);
  return parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
};

describe('writeParquet', () => {
  it('round-trips scalars, optional fields, lists of structs and nested structs', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'deliberate-parquet-')), 'rows.parquet');
    writeParquet(file, {
      columns: {
        name: { kind: 'string' },
        count: { kind: 'int64' },
        score: { kind: 'double', optional: true },
        ok: { kind: 'boolean' },
        turns: {
          kind: 'list',
          element: { kind: 'struct', fields: { role: { kind: 'string' }, content: { kind: 'string' } } },
        },
        info: {
          kind: 'struct',
          fields: { tags: { kind: 'list', element: { kind: 'string' } }, note: { kind: 'string', optional: true } },
        },
      },
      rows: [
        {
          name: 'a',
          count: 1,
          score: 0.5,
          ok: true,
          turns: [{ role: 'user', content: 'hi' }],
          info: { tags: ['x', 'y'], note: 'n' },
        },
        { name: 'b', count: 2, score: null, ok: false, turns: [], info: { tags: [] } },
      ],
    });
    expect(await read(file)).toEqual([
      {
        name: 'a',
        count: 1n,
        score: 0.5,
        ok: true,
        turns: [{ role: 'user', content: 'hi' }],
        info: { tags: ['x', 'y'], note: 'n' },
      },
      { name: 'b', count: 2n, score: null, ok: false, turns: [], info: { tags: [], note: null } },
    ]);
  });

  it('names the row and column of a value that does not fit', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'deliberate-parquet-')), 'rows.parquet');
    expect(() =>
      writeParquet(file, { columns: { count: { kind: 'int64' } }, rows: [{ count: 1 }, { count: 'two' }] }),
    ).toThrow(DataError);
    expect(() => writeParquet(file, { columns: { name: { kind: 'string' } }, rows: [{}] })).toThrow(
      /row 0, column name/,
    );
  });
});
