import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { writeParquet } from '../io/write-parquet.js';
import { readPrompts, suggestPromptKey } from './read-prompts.js';

const folder = mkdtempSync(path.join(tmpdir(), 'read-prompts-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(folder, name);
  writeFileSync(file, text);
  return file;
}

describe('readPrompts', () => {
  it('reads JSONL with prompt strings, conversations, categories and metadata', async () => {
    const file = write(
      'a.jsonl',
      [
        JSON.stringify({
          id: 'one',
          prompt: 'How do locks work?',
          categories: ['illicit'],
          metadata: { idealAction: 'comply' },
        }),
        '',
        JSON.stringify({
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Hi' },
            { role: 'assistant', content: 'Hello!' },
            { role: 'user', content: 'What is a deadbolt?' },
          ],
        }),
      ].join('\n'),
    );
    const { prompts, invalid } = await readPrompts(file);
    expect(invalid).toEqual([]);
    expect(prompts[0]).toMatchObject({
      id: 'one',
      messages: [{ role: 'user', content: 'How do locks work?' }],
      categories: ['illicit'],
      metadata: { idealAction: 'comply' },
    });
    expect(prompts[1]!.messages).toHaveLength(4);
    // No id: a content hash, the same on every read.
    expect(prompts[1]!.id).toMatch(/^p-[0-9a-f]{16}$/);
    expect((await readPrompts(file)).prompts[1]!.id).toBe(prompts[1]!.id);
  });

  it('names file:line and the field of a bad row', async () => {
    const file = write(
      'bad.jsonl',
      `${JSON.stringify({ prompt: 'fine' })}\n${JSON.stringify({
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      })}\n`,
    );
    const error = await readPrompts(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).location).toBe(`${file}:2`);
    expect((error as DataError).message).toContain('messages.1.role');
    expect((error as DataError).hint).toContain('--skip-invalid');
  });

  it('skips and reports bad rows with skipInvalid', async () => {
    const file = write(
      'mixed.jsonl',
      [
        '{"prompt": "ok"}',
        'not json',
        '{"metadata": {"idealAction": "comply"}}',
        '{"prompt": "x", "metadata": {"idealAction": "maybe"}}',
      ].join('\n'),
    );
    const { prompts, invalid } = await readPrompts(file, { skipInvalid: true });
    expect(prompts).toHaveLength(1);
    expect(invalid.map((row) => [row.location, row.field])).toEqual([
      [`${file}:2`, '(line)'],
      [`${file}:3`, 'messages'],
      [`${file}:4`, 'metadata.idealAction'],
    ]);
  });

  it('rejects a duplicate explicit id but keeps identical unlabelled rows apart for dedup', async () => {
    const duplicated = write('dup.jsonl', '{"id": "a", "prompt": "x"}\n{"id": "a", "prompt": "y"}\n');
    await expect(readPrompts(duplicated)).rejects.toThrow(/duplicate id "a"/);
    const same = write('same.jsonl', '{"prompt": "x"}\n{"prompt": "x"}\n');
    const ids = (await readPrompts(same)).prompts.map((prompt) => prompt.id);
    expect(new Set(ids).size).toBe(2);
  });

  it('reads CSV with categories as a list and metadata as JSON, naming the CSV line', async () => {
    const file = write(
      'p.csv',
      'id,prompt,categories,metadata\nq1,"How do I pick a lock, legally?",illicit;cyber,"{""idealAction"": ""comply""}"\nq2,,illicit,\n',
    );
    const error = await readPrompts(file).catch((caught: unknown) => caught);
    expect((error as DataError).location).toBe(`${file}:3`);
    const { prompts } = await readPrompts(file, { skipInvalid: true });
    expect(prompts[0]).toMatchObject({
      id: 'q1',
      messages: [{ role: 'user', content: 'How do I pick a lock, legally?' }],
      categories: ['illicit', 'cyber'],
      metadata: { idealAction: 'comply' },
    });
  });

  it('reads an empty CSV metadata or categories cell as none', async () => {
    const file = write(
      'empty-cells.csv',
      'id,prompt,categories,metadata\nq1,Tell me about elections,elections,\nq2,Hello there,,\n',
    );
    const { prompts } = await readPrompts(file);
    expect(prompts.map((prompt) => [prompt.id, prompt.categories, prompt.metadata])).toEqual([
      ['q1', ['elections'], {}],
      ['q2', [], {}],
    ]);
  });

  it('reads plain idealAction, labelSource and source columns of a CSV into metadata', async () => {
    const file = write(
      'plain.csv',
      'id,prompt,categories,idealAction,labelSource,source,metadata\na,How do locks work?,illicit,comply,human,mine,\nb,Pick a lock,illicit,refuse,,,"{""note"":1}"\nc,Hi,,,,,\n',
    );
    const { prompts } = await readPrompts(file);
    expect(prompts.map((prompt) => prompt.metadata)).toEqual([
      { idealAction: 'comply', labelSource: 'human', source: 'mine' },
      { idealAction: 'refuse', note: 1 },
      {},
    ]);
  });

  it('a CSV idealAction column and metadata.idealAction that disagree name both', async () => {
    const file = write('clash.csv', 'prompt,idealAction,metadata\nHi,comply,"{""idealAction"":""refuse""}"\n');
    const error = await readPrompts(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe(
      'idealAction: the idealAction column says "comply" and metadata.idealAction says "refuse"',
    );
    expect((error as DataError).location).toBe(`${file}:2`);
  });

  it('a bad idealAction value in a CSV column is named', async () => {
    const file = write('badaction.csv', 'prompt,idealAction\nHi,complyy\n');
    const error = await readPrompts(file).catch((caught: unknown) => caught);
    expect((error as DataError).message).toMatch(/^metadata\.idealAction: /);
  });

  it('idealAction allow (the old word) is read as comply, with one warning naming the first row and the count', async () => {
    const file = write('old-word.csv', 'id,prompt,idealAction\na,Hi,allow\nb,Hello,refuse\nc,Hey,allow\nd,Yo,comply\n');
    const result = await readPrompts(file);
    expect(result.prompts.map((prompt) => prompt.metadata.idealAction)).toEqual([
      'comply',
      'refuse',
      'comply',
      'comply',
    ]);
    expect(result.warnings).toEqual([
      `${file}:2: metadata.idealAction "allow" is deprecated and read as "comply": write "comply" (and 1 more row)`,
    ]);
    const jsonl = write('old-word.jsonl', '{"prompt":"Hi","metadata":{"idealAction":"allow"}}\n');
    expect((await readPrompts(jsonl)).warnings).toEqual([
      `${jsonl}:1: metadata.idealAction "allow" is deprecated and read as "comply": write "comply"`,
    ]);
    expect(
      (await readPrompts(write('new-word.jsonl', '{"prompt":"Hi","metadata":{"idealAction":"comply"}}\n'))).warnings,
    ).toEqual([]);
  });

  it('reads Parquet', async () => {
    const file = path.join(folder, 'p.parquet');
    writeParquet(file, {
      columns: {
        id: { kind: 'string' },
        prompt: { kind: 'string' },
        categories: { kind: 'list', element: { kind: 'string' } },
      },
      rows: [
        { id: 'r1', prompt: 'What is a safe?', categories: ['illicit'] },
        { id: 'r2', prompt: 'Hello', categories: [] },
      ],
    });
    const { prompts } = await readPrompts(file);
    expect(prompts.map((prompt) => [prompt.id, prompt.messages[0]!.content, prompt.categories])).toEqual([
      ['r1', 'What is a safe?', ['illicit']],
      ['r2', 'Hello', []],
    ]);
  });

  it('stops at a misspelled key naming file:line, the key and the fix; skips and reports it with skipInvalid', async () => {
    const file = write(
      'typo.jsonl',
      [
        '{"id": "a", "prompt": "fine", "categories": ["illicit"]}',
        '{"id": "b", "prompt": "x", "category": ["illicit"]}',
        '{"id": "c", "message": [{"role": "user", "content": "y"}], "meta": {"idealAction": "comply"}}',
        '{"id": "d", "prompt": "z", "idealAction": "refuse"}',
      ].join('\n'),
    );
    const error = await readPrompts(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).location).toBe(`${file}:2`);
    expect((error as DataError).message).toContain('unknown key "category" (did you mean `categories`?)');
    expect((error as DataError).hint).toContain('`metadata`');
    const { prompts, invalid } = await readPrompts(file, { skipInvalid: true });
    expect(prompts.map((prompt) => prompt.id)).toEqual(['a']);
    expect(invalid.map((row) => [row.location, row.field])).toEqual([
      [`${file}:2`, 'category'],
      [`${file}:3`, 'message'],
      [`${file}:4`, 'idealAction'],
    ]);
    expect(invalid[1]!.message).toContain('"message" (did you mean `messages`?), "meta" (did you mean `metadata`?)');
    expect(invalid[2]!.message).toContain('move `idealAction` into `metadata`');
  });

  it('stops at an unknown CSV column at the header line, even with skipInvalid', async () => {
    const file = write('typo.csv', 'id,prompt,category\nq1,hello,illicit\nq2,hi,cyber\n');
    for (const skipInvalid of [false, true]) {
      const error = await readPrompts(file, { skipInvalid }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).location).toBe(`${file}:1`);
      expect((error as DataError).message).toContain('unknown column "category" (did you mean `categories`?)');
    }
    const parquet = path.join(folder, 'typo.parquet');
    writeParquet(parquet, {
      columns: { id: { kind: 'string' }, prompt: { kind: 'string' }, meta: { kind: 'string' } },
      rows: [{ id: 'r1', prompt: 'What is a safe?', meta: '{}' }],
    });
    const error = await readPrompts(parquet, { skipInvalid: true }).catch((caught: unknown) => caught);
    expect((error as DataError).location).toBe(parquet);
    expect((error as DataError).message).toContain('unknown column "meta" (did you mean `metadata`?)');
  });

  it('suggests the allowed key a misspelled one meant', () => {
    expect(suggestPromptKey('category')).toBe('categories');
    expect(suggestPromptKey('Categories')).toBe('categories');
    expect(suggestPromptKey('meta')).toBe('metadata');
    expect(suggestPromptKey('message')).toBe('messages');
    expect(suggestPromptKey('text')).toBe('prompt');
    expect(suggestPromptKey('promt')).toBe('prompt');
    expect(suggestPromptKey('difficulty')).toBeUndefined();
  });
});
