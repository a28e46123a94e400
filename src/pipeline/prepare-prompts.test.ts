import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { IntakeSettings } from '../records/pipeline-settings.js';
import { preparePrompts } from './prepare-prompts.js';

const folder = mkdtempSync(path.join(tmpdir(), 'prepare-prompts-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const settings = IntakeSettings.parse({});

function prepare(name: string, text: string, skipInvalid = false) {
  const file = path.join(folder, name);
  writeFileSync(file, text);
  const reportFile = path.join(folder, `${name}.report.json`);
  const result = preparePrompts({ file, settings, resolve: (relative) => relative, skipInvalid, reportFile });
  return { file, reportFile, result };
}

describe('preparePrompts', () => {
  it('drops a repeated prompt and reports it', async () => {
    const text = ['{"id": "a", "prompt": "How do locks work?"}', '{"id": "b", "prompt": "How do locks work?"}'];
    const { reportFile, result } = prepare('dup.jsonl', `${text.join('\n')}\n`);
    const { prompts, report } = await result;
    expect(prompts.map((prompt) => prompt.id)).toEqual(['a']);
    expect(report.rows).toBe(2);
    expect(JSON.parse(readFileSync(reportFile, 'utf8')).kept).toBe(1);
  });

  it('stops with a DataError on an empty prompts file, writing no report', async () => {
    for (const [name, text] of [
      ['empty.jsonl', ''],
      ['blank.jsonl', '\n\n'],
    ] as const) {
      const { file, reportFile, result } = prepare(name, text, true);
      const error = await result.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).message).toBe('the prompts file has no prompts');
      expect((error as DataError).location).toBe(file);
      expect(existsSync(reportFile)).toBe(false);
    }
  });

  it('stops with a DataError naming the first bad row when --skip-invalid would skip every row', async () => {
    const { file, reportFile, result } = prepare('all-bad.jsonl', '{"id": "a"}\n{"id": "b", "prompt": ""}\n', true);
    const error = await result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(/^all 2 prompt rows are invalid; the first: /);
    expect((error as DataError).location).toBe(`${file}:1`);
    expect(existsSync(reportFile)).toBe(false);
  });
});
