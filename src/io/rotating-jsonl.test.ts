import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRotatingJsonl } from './rotating-jsonl.js';

function lines(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('openRotatingJsonl', () => {
  it('appends whole lines and rotates before the file passes maxBytes, keeping `keep` old files', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'rotating-'));
    const file = path.join(folder, 'nested', 'audit.jsonl');
    // Each line is 15 bytes ({"n":1,"p":""} and a newline): two fill 30 bytes exactly, the third rotates.
    const log = openRotatingJsonl(file, { maxBytes: 30, keep: 2 });
    for (let n = 1; n <= 7; n++) log.append({ n, p: '' });
    expect(lines(file)).toEqual([{ n: 7, p: '' }]);
    expect(lines(`${file}.1`)).toEqual([
      { n: 5, p: '' },
      { n: 6, p: '' },
    ]);
    expect(lines(`${file}.2`)).toEqual([
      { n: 3, p: '' },
      { n: 4, p: '' },
    ]);
    expect(existsSync(`${file}.3`)).toBe(false);
  });

  it('continues an existing file instead of starting over', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'rotating-'));
    const file = path.join(folder, 'audit.jsonl');
    openRotatingJsonl(file, { maxBytes: 1000, keep: 1 }).append({ n: 1 });
    openRotatingJsonl(file, { maxBytes: 1000, keep: 1 }).append({ n: 2 });
    expect(lines(file)).toEqual([{ n: 1 }, { n: 2 }]);
  });
});
