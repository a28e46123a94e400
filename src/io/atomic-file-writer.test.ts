import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAtomicFileWriter } from './atomic-file-writer.js';

const folder = mkdtempSync(path.join(tmpdir(), 'atomic-file-writer-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('openAtomicFileWriter', () => {
  it('writes into a temp file in pieces of 64 K characters and renames it onto the target on commit', () => {
    const file = path.join(folder, 'out.jsonl');
    const writer = openAtomicFileWriter(file);
    const temporary = () => path.join(folder, readdirSync(folder).find((name) => name.endsWith('.tmp'))!);
    const piece = `${'z'.repeat(1023)}\n`;
    for (let index = 0; index < 63; index++) writer.write(piece);
    expect(statSync(temporary()).size).toBe(0);
    writer.write(piece);
    expect(statSync(temporary()).size).toBe(64 * 1024);
    expect(existsSync(file)).toBe(false);
    writer.write('last\n');
    writer.commit();
    expect(readFileSync(file, 'utf8')).toBe(`${piece.repeat(64)}last\n`);
    expect(readdirSync(folder)).toEqual(['out.jsonl']);
  });

  it('leaves the target as it was on abort', () => {
    const file = path.join(folder, 'kept.txt');
    const first = openAtomicFileWriter(file);
    first.write('before\n');
    first.commit();
    const second = openAtomicFileWriter(file);
    second.write('x'.repeat(70_000));
    second.abort();
    expect(readFileSync(file, 'utf8')).toBe('before\n');
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
