import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { parquetRowGroupRows, writeParquet } from './write-parquet.js';

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

  it('writes rows from a generator a row group at a time, holding no more than one group of them', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'deliberate-parquet-')), 'rows.parquet');
    let pulled = 0;
    let writtenBeforeLastPull = 0;
    function* rows() {
      for (let index = 0; index < 7; index++) {
        pulled += 1;
        if (index === 6) writtenBeforeLastPull = readdirSync(path.dirname(file)).length;
        yield { id: `r${index}`, n: index };
      }
    }
    const written = writeParquet(file, {
      columns: { id: { kind: 'string' }, n: { kind: 'int64' } },
      rows: rows(),
      rowGroupRows: 3,
    });
    expect(written).toBe(7);
    expect(pulled).toBe(7);
    // The temp file exists while rows are still being pulled: groups went out before the last row came in.
    expect(writtenBeforeLastPull).toBe(1);
    const bytes = readFileSync(file);
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(metadata.row_groups.map((group) => Number(group.num_rows))).toEqual([3, 3, 1]);
    expect((await read(file)).map((row) => row.id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(parquetRowGroupRows).toBe(1_000);
  });

  it('leaves the previous file and no temp file when a row late in the stream does not fit', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'deliberate-parquet-'));
    const file = path.join(folder, 'rows.parquet');
    writeFileSync(file, 'previous');
    const rows = Array.from({ length: 5 }, (_, index) => ({ count: index === 4 ? 'four' : index }));
    expect(() => writeParquet(file, { columns: { count: { kind: 'int64' } }, rows, rowGroupRows: 2 })).toThrow(
      /row 4, column count/,
    );
    expect(readFileSync(file, 'utf8')).toBe('previous');
    expect(readdirSync(folder)).toEqual(['rows.parquet']);
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });
});
