import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { multiTurnExample, specTexts, trainingExample } from '../../test/helpers/training-examples.js';
import { bundledQwen3TokenizerConfig } from '../io/chat-template.js';
import type { TrainingExample } from '../records/training-example.js';
import { checkRender, type RenderCheckError, type RenderProblem } from './render-check.js';
import { buildSftRow, type SftFormat, type SftRowOptions } from './sft-row.js';

const rowsOf = (examples: TrainingExample[], options: SftRowOptions) =>
  examples.map((example) => buildSftRow(example, { ...options, location: 'test' }));

/** A DeepSeek-R1-Distill-style template: every assistant turn keeps only the text after the last </think>. */
const reasoningStrippingTemplate = [
  "{% for message in messages %}{% if message.role == 'user' %}<｜User｜>{{ message.content }}",
  "{% elif message.role == 'assistant' %}{% set content = message.content %}",
  "{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}",
  '<｜Assistant｜>{{ content }}<｜end▁of▁sentence｜>{% endif %}{% endfor %}',
  '{% if add_generation_prompt %}<｜Assistant｜><think>\n{% endif %}',
].join('');

function problemsOf(run: () => unknown): RenderProblem[] {
  try {
    run();
  } catch (error) {
    return (error as RenderCheckError).failures.map((failure) => failure.problem);
  }
  throw new Error('expected the render check to fail');
}

describe('checkRender with the real Qwen3 template', () => {
  it.each<[SftFormat, SftRowOptions['reasoningKey']]>([
    ['trl', undefined],
    ['messages', 'reasoning_content'],
    ['think-inline', undefined],
  ])('%s rows render the reasoning inside the last assistant turn', (format, reasoningKey) => {
    const examples = [trainingExample(), multiTurnExample()];
    const { rendered, summary } = checkRender(rowsOf(examples, { format, reasoningKey }), {
      format,
      reasoningKey,
      rowIds: examples.map((example) => example.id),
    });
    expect(summary).toMatchObject({ rowsChecked: 2, passed: true, eosToken: '<|im_end|>', rowsWithoutEosToken: 0 });
    rendered.forEach((row, index) => {
      const lastAssistant = row.full.slice(row.full.lastIndexOf('<|im_start|>assistant'));
      expect(lastAssistant).toContain(`<think>\n${examples[index]!.reasoning}\n</think>\n\n${examples[index]!.answer}`);
      expect(row.prompt.endsWith('<|im_start|>assistant\n')).toBe(true);
      expect(row.completion).toBe(
        `<think>\n${examples[index]!.reasoning}\n</think>\n\n${examples[index]!.answer}<|im_end|>\n`,
      );
    });
    expect(rendered[1]!.prompt).toContain('<|im_start|>system\nYou are a helpful assistant for a pharmacy.<|im_end|>');
  });

  it('fails when the reasoning sits under a key the template does not read', () => {
    const rows = rowsOf([trainingExample()], { format: 'gpt-oss' });
    expect(problemsOf(() => checkRender(rows, { format: 'gpt-oss' }))).toEqual(['reasoning-missing']);
    const thinkingRows = rowsOf([trainingExample()], { format: 'messages', reasoningKey: 'thinking' });
    expect(() => checkRender(thinkingRows, { format: 'messages', reasoningKey: 'thinking', rowIds: ['ex-1'] })).toThrow(
      /row ex-1: reasoning-missing/,
    );
  });

  it('fails when enable_thinking=false makes the prompt render no prefix of the full render', () => {
    const rows = rowsOf([trainingExample()], { format: 'trl' });
    expect(problemsOf(() => checkRender(rows, { format: 'trl', templateKwargs: { enable_thinking: false } }))).toEqual([
      'prompt-not-prefix',
    ]);
  });

  it('fails when spec text reaches the rendered prompt', () => {
    const rows = rowsOf(
      [
        trainingExample({
          messages: [
            { role: 'system', content: specTexts[1]! },
            { role: 'user', content: 'hi there' },
          ],
        }),
      ],
      { format: 'trl' },
    );
    expect(problemsOf(() => checkRender(rows, { format: 'trl', forbiddenTexts: specTexts }))).toEqual([
      'spec-text-in-prompt',
    ]);
    expect(() => checkRender(rows, { format: 'trl' })).not.toThrow();
  });
});

describe('checkRender with other templates', () => {
  it('detects a template that strips the reasoning (R1-Distill style), whatever the format', () => {
    const chatTemplate = { chat_template: reasoningStrippingTemplate };
    for (const format of ['trl', 'think-inline'] as const) {
      const rows = rowsOf([trainingExample(), multiTurnExample()], { format });
      let error: RenderCheckError | undefined;
      try {
        checkRender(rows, { format, chatTemplate, rowIds: ['ex-1', 'ex-2'] });
      } catch (caught) {
        error = caught as RenderCheckError;
      }
      expect(error?.name).toBe('RenderCheckError');
      expect(error?.failures.map((failure) => [failure.rowId, failure.problem])).toEqual([
        ['ex-1', 'reasoning-missing'],
        ['ex-1', 'prompt-not-prefix'],
        ['ex-2', 'reasoning-missing'],
        ['ex-2', 'prompt-not-prefix'],
      ]);
      expect(error?.message).toMatch(/render check failed for 2 of 2 rows: row ex-1: reasoning-missing/);
      expect(error?.hint).toMatch(/strips text before <\/think>/);
    }
  });

  it('detects a doubled <think> when the generation prompt prefills one and the template adds another', () => {
    // R1-style: the generation prompt prefills "<think>\n" and the assistant turn is rendered the same way, so a row
    // whose content already starts with <think> (think-inline) doubles the opening tag in the target
    const prefillingTemplate = [
      "{% for message in messages %}{% if message.role == 'user' %}<U>{{ message.content }}",
      '{% else %}<A><think>\n{{ message.content }}{% endif %}{% endfor %}',
      '{% if add_generation_prompt %}<A><think>\n{% endif %}',
    ].join('');
    const rows = rowsOf([trainingExample()], { format: 'think-inline' });
    const chatTemplate = { chat_template: prefillingTemplate };
    expect(problemsOf(() => checkRender(rows, { format: 'think-inline', chatTemplate }))).toEqual(['think-delimiters']);
  });

  it('counts rows whose target does not end with the eos token (a Qwen base config ends turns in <|im_end|>)', () => {
    const baseConfig = { ...bundledQwen3TokenizerConfig(), eos_token: '<|endoftext|>' };
    const rows = rowsOf([trainingExample()], { format: 'trl' });
    expect(checkRender(rows, { format: 'trl', chatTemplate: baseConfig }).summary).toMatchObject({
      eosToken: '<|endoftext|>',
      rowsWithoutEosToken: 1,
    });
  });

  it('reports a template that raises as template-error', () => {
    const raising = "{{ raise_exception('no system role') }}";
    const rows = rowsOf([trainingExample()], { format: 'trl' });
    expect(problemsOf(() => checkRender(rows, { format: 'trl', chatTemplate: { chat_template: raising } }))).toEqual([
      'template-error',
    ]);
  });

  it('loads tokenizer_config.json from a path, and chat_template.jinja beside one without a template', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'deliberate-template-'));
    const { chat_template, ...withoutTemplate } = bundledQwen3TokenizerConfig();
    writeFileSync(path.join(folder, 'tokenizer_config.json'), JSON.stringify(withoutTemplate));
    writeFileSync(path.join(folder, 'chat_template.jinja'), chat_template as string);
    const rows = rowsOf([trainingExample()], { format: 'trl' });
    const { summary } = checkRender(rows, { format: 'trl', chatTemplate: path.join(folder, 'tokenizer_config.json') });
    expect(summary.template).toBe(path.join(folder, 'chat_template.jinja'));
    expect(() => checkRender(rows, { format: 'trl', chatTemplate: path.join(folder, 'missing.json') })).toThrow(
      /chat template file not found/,
    );
  });
});
