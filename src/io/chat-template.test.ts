import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../errors.js';
import { bundledQwen3TokenizerConfig, loadChatTemplate } from './chat-template.js';

describe('loadChatTemplate', () => {
  it('renders the bundled Qwen3 template like apply_chat_template', () => {
    const template = loadChatTemplate(bundledQwen3TokenizerConfig());
    const messages = [{ role: 'user', content: 'Hi' }];
    expect(template.render({ messages, addGenerationPrompt: true })).toBe(
      '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(template.render({ messages, addGenerationPrompt: true, templateKwargs: { enable_thinking: false } })).toBe(
      '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n',
    );
    expect(template.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads .jinja files, named template lists, and passes the special tokens', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'deliberate-template-'));
    const jinja = path.join(folder, 'chat_template.jinja');
    writeFileSync(
      jinja,
      '{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}{{ eos_token }}',
    );
    const fromFile = loadChatTemplate(jinja);
    expect(fromFile.render({ messages: [{ role: 'user', content: 'x' }], addGenerationPrompt: false })).toBe('[user]x');
    const named = loadChatTemplate({
      chat_template: [
        { name: 'tool_use', template: 'tools' },
        { name: 'default', template: '{{ bos_token }}{{ messages[0].content }}{{ eos_token }}' },
      ],
      bos_token: { content: '<s>' },
      eos_token: '</s>',
    });
    expect(named.render({ messages: [{ role: 'user', content: 'x' }], addGenerationPrompt: false })).toBe('<s>x</s>');
  });

  it('says what is wrong with a config that has no template', () => {
    expect(() => loadChatTemplate({ eos_token: '</s>' })).toThrow(ConfigError);
    expect(() => loadChatTemplate({ eos_token: '</s>' })).toThrow(/no chat_template/);
  });

  it('names the file for a folder or a JSON file that is not an object, instead of crashing', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'deliberate-template-'));
    expect(() => loadChatTemplate(folder)).toThrow(ConfigError);
    expect(() => loadChatTemplate(folder)).toThrow(`cannot read chat template file ${folder}: EISDIR`);
    for (const text of ['null', '[]', '"text"']) {
      const file = path.join(folder, 'tokenizer_config.json');
      writeFileSync(file, text);
      expect(() => loadChatTemplate(file)).toThrow(DataError);
      expect(() => loadChatTemplate(file)).toThrow('a tokenizer config must be a JSON object');
    }
  });
});
