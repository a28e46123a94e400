import { describe, expect, it } from 'vitest';
import { writeJsonStreamed } from './write-json-streamed.js';

describe('writeJsonStreamed', () => {
  it('writes what JSON.stringify writes, indented or not, with the array in its place (empty too)', () => {
    const items = [
      { a: 1, text: 'line\nbreak "quoted" \u0000' },
      { b: [1, { c: null }], skipped: undefined },
    ];
    for (const indent of [0, 2]) {
      for (const list of [items, []]) {
        const value = { file: 'x', removed: [] as unknown[], after: { n: 1 }, tail: [] };
        let text = '';
        writeJsonStreamed((piece) => (text += piece), value, 'removed', list, indent);
        expect(text).toBe(JSON.stringify({ ...value, removed: list }, null, indent || undefined));
      }
    }
  });
});
