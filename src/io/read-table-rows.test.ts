import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTable } from './read-table.js';
import { binaryFileError, readTableRows } from './read-table-rows.js';

const folder = mkdtempSync(path.join(tmpdir(), 'read-table-rows-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function write(name: string, bytes: string | Buffer): string {
  const file = path.join(folder, name);
  writeFileSync(file, bytes);
  return file;
}

async function collect(file: string, chunkBytes?: number) {
  const rows = [];
  for await (const row of readTableRows(file, { chunkBytes })) rows.push(row);
  return rows;
}

describe('readTableRows', () => {
  it('gives the rows readTable gives (BOM, CRLF, blank lines, bad JSON, no final newline, bytes not UTF-8)', async () => {
    const files = [
      write('plain.jsonl', '\uFEFF{"a": 1}\r\n\n  {"b": "é"}\nnot json\n[1]\n{"c": 3}'),
      write(
        'latin1.jsonl',
        Buffer.concat([Buffer.from('{"a": 1}\n{"b": "S'), Buffer.from([0xe9]), Buffer.from('curit"}\n{"c": 2}\n')]),
      ),
      write(
        'late-nul.jsonl',
        Buffer.concat([
          Buffer.from('{"a": "'),
          Buffer.from([0xe9]),
          Buffer.from('"}\n{"b": 1'),
          Buffer.from([0, 0x0a]),
        ]),
      ),
    ];
    // 3 bytes a read: every line crosses chunks, and é's two bytes are split.
    for (const file of files) expect(await collect(file, 3)).toEqual(await readTable(file));
  });

  it('stops at a NUL before any other bad byte: the file is binary, the error readTable gives', async () => {
    const file = write(
      'binary.jsonl',
      Buffer.concat([Buffer.from('not json\n{"a": 1}\n'), Buffer.from([0x41, 0, 0x42])]),
    );
    const expected = await readTable(file).catch((error: Error) => error.message);
    await expect(collect(file)).rejects.toThrow(expected as string);
    expect(binaryFileError(file)?.message).toBe(expected);
    expect(binaryFileError(write('text.jsonl', '{"a": 1}\n'))).toBeUndefined();
  });

  it('streams: yields the first row before it reads the rest of the file (rows appended later are read)', async () => {
    const file = write('growing.jsonl', '{"n": 1}\n{"n": 2}\n');
    const rows = readTableRows(file, { chunkBytes: 9 });
    expect((await rows.next()).value.record).toEqual({ n: 1 });
    appendFileSync(file, '{"n": 3}\n');
    const rest = [];
    for await (const row of rows) rest.push(row.record);
    expect(rest).toEqual([{ n: 2 }, { n: 3 }]);
  });
});
