import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLineSpool } from './line-spool.js';

const folder = mkdtempSync(path.join(tmpdir(), 'line-spool-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('createLineSpool', () => {
  it('reads back any line by its index, and every line in order, while lines are still being appended', () => {
    const spool = createLineSpool(folder);
    const lines = Array.from({ length: 3000 }, (_, index) => `${index} Sécurité ✓ ${'x'.repeat(index % 700)}`);
    for (const line of lines.slice(0, 2000)) spool.append(line);
    expect(spool.read(1999)).toBe(lines[1999]);
    for (const line of lines.slice(2000)) expect(lines[spool.append(line)]).toBe(line);
    expect(spool.read(0)).toBe(lines[0]);
    expect(spool.read(2500)).toBe(lines[2500]);
    expect([...spool.lines()]).toEqual(lines);
    expect(() => spool.read(3000)).toThrow(RangeError);
    spool.close();
    expect(readdirSync(folder)).toEqual([]);
    expect(existsSync(folder)).toBe(true);
  });

  it('writes appended lines to its file in pieces of 64 KB, so pending lines die young', () => {
    const spool = createLineSpool(folder);
    const [directory] = readdirSync(folder);
    const size = () => statSync(path.join(folder, directory!, 'lines')).size;
    const line = 'y'.repeat(1023);
    for (let index = 0; index < 63; index++) spool.append(line);
    expect(size()).toBe(0);
    spool.append(line);
    expect(size()).toBe(64 * 1024);
    spool.close();
  });
});
