/**
 * @module pipeline/sft-row
 * One TrainingExample as one SFT row in each trainer format (TRL, OpenRLHF, LLaMA-Factory, gpt-oss), and a row split back into
 * prompt and completion the way TRL tokenises it. The prompt is always the ORIGINAL conversation: never spec text.
 */
import { ConfigError, DataError } from '../errors.js';
import type { TemplateMessage } from '../io/chat-template.js';
import type { TrainingExample } from '../records/training-example.js';
import { exportConversation, type ReasoningKey } from './export-conversation.js';

/**
 * - `trl`: TRL conversational prompt–completion, reasoning on the assistant message (default key `reasoning_content`).
 * - `messages`: one `messages` list, the assistant turn carrying `reasoning_content` or `thinking`.
 * - `think-inline`: LLaMA-Factory `messages`, the assistant content `<think>\n{reasoning}\n</think>\n\n{answer}`.
 * - `gpt-oss`: `messages` with `thinking` (harmony analysis channel), optional `chat_template_kwargs.reasoning_effort`.
 */
export const sftFormats = ['trl', 'messages', 'think-inline', 'gpt-oss'] as const;
export type SftFormat = (typeof sftFormats)[number];

export interface TrlSftRow {
  prompt: TemplateMessage[];
  completion: TemplateMessage[];
}
export interface MessagesSftRow {
  messages: TemplateMessage[];
  chat_template_kwargs?: Record<string, unknown>;
}
export type SftRow = TrlSftRow | MessagesSftRow;

export interface SftRowOptions {
  format: SftFormat;
  /** For `trl` and `messages`; `gpt-oss` always uses `thinking`, `think-inline` none. Default `reasoning_content`. */
  reasoningKey?: ReasoningKey;
  /** For `gpt-oss`: written as the per-row `chat_template_kwargs` column TRL passes to the template. */
  reasoningEffort?: 'low' | 'medium' | 'high';
}

/** The key that carries the reasoning in a format, or undefined for inline `<think>`. */
export function reasoningKeyOf(options: SftRowOptions): ReasoningKey | undefined {
  if (options.format === 'gpt-oss') return 'thinking';
  if (options.format === 'think-inline') return undefined;
  return options.reasoningKey ?? 'reasoning_content';
}

/** Builds the row of one example; throws a DataError naming the example when it cannot be a training target. */
export function buildSftRow(example: TrainingExample, options: SftRowOptions & { location: string }): SftRow {
  const where = { rowId: example.id, location: options.location };
  checkTarget(example, options, where);
  const key = reasoningKeyOf(options);
  if (options.format === 'think-inline') checkLlamaFactoryRoles(example, where);
  const prompt = exportConversation(example.messages, {
    ...where,
    historyReasoningKey: options.format === 'trl' ? undefined : key,
  });
  if (key === undefined) {
    const content = `<think>\n${example.reasoning.trim()}\n</think>\n\n${example.answer.trim()}`;
    return { messages: [...prompt, { role: 'assistant', content }] };
  }
  const assistant: TemplateMessage = { role: 'assistant', [key]: example.reasoning, content: example.answer };
  if (options.format === 'trl') return { prompt, completion: [assistant] };
  const row: MessagesSftRow = { messages: [...prompt, assistant] };
  if (options.format === 'gpt-oss' && options.reasoningEffort) {
    row.chat_template_kwargs = { reasoning_effort: options.reasoningEffort };
  }
  return row;
}

/** A row as TRL's SFT tokenisation sees it: prompt messages, completion messages, and the target's parts. */
export interface SftRowParts {
  prompt: TemplateMessage[];
  completion: TemplateMessage[];
  reasoning: string;
  answer: string;
  templateKwargs: Record<string, unknown>;
}

/** Splits an exported row into prompt and completion (the last message of a `messages` row is the completion). */
export function splitSftRow(row: SftRow, options: SftRowOptions): SftRowParts {
  const key = reasoningKeyOf(options);
  const prompt = 'prompt' in row ? row.prompt : row.messages.slice(0, -1);
  const completion = 'prompt' in row ? row.completion : row.messages.slice(-1);
  const target = completion.at(-1) ?? { role: 'assistant', content: '' };
  const templateKwargs = 'messages' in row ? (row.chat_template_kwargs ?? {}) : {};
  if (key !== undefined) {
    const reasoning = target[key];
    return {
      prompt,
      completion,
      reasoning: typeof reasoning === 'string' ? reasoning : '',
      answer: target.content,
      templateKwargs,
    };
  }
  const close = target.content.lastIndexOf('</think>');
  const before = close === -1 ? '' : target.content.slice(0, close);
  const reasoning = before.replace(/^\s*<think>/, '');
  const answer = close === -1 ? target.content : target.content.slice(close + '</think>'.length);
  return { prompt, completion, reasoning: reasoning.trim(), answer: answer.trim(), templateKwargs };
}

function checkTarget(
  example: TrainingExample,
  options: SftRowOptions,
  where: { rowId: string; location: string },
): void {
  const fail = (problem: string, hint: string): never => {
    throw new DataError(`row ${where.rowId}: ${problem}`, { location: where.location, hint });
  };
  if (example.reasoning.trim() === '') {
    fail(
      'the reasoning is empty',
      'deliberative-alignment SFT trains on the chain of thought; drop examples without one',
    );
  }
  if (example.answer.trim() === '') fail('the answer is empty', 'drop examples without a final answer');
  for (const [part, text] of [
    ['reasoning', example.reasoning],
    ['answer', example.answer],
  ] as const) {
    if (text.includes('<think>') || text.includes('</think>')) {
      fail(
        `the ${part} contains a <think> tag`,
        'split inline reasoning into reasoning and answer before export (models/reasoning.ts)',
      );
    }
    if (options.format === 'gpt-oss' && text.includes('<|channel|>')) {
      fail(
        `the ${part} contains <|channel|>, which makes the gpt-oss template raise`,
        'strip harmony markup before export',
      );
    }
  }
}

function checkLlamaFactoryRoles(example: TrainingExample, where: { rowId: string; location: string }): void {
  example.messages.forEach((message, index) => {
    const allowed =
      message.role === 'user' || message.role === 'assistant' || (message.role === 'system' && index === 0);
    if (!allowed) {
      throw new DataError(
        `row ${where.rowId}: message ${index} has role ${message.role}, which think-inline cannot carry`,
        {
          location: where.location,
          hint: 'LLaMA-Factory messages take one leading system turn, then user/assistant turns; use --format trl or messages',
        },
      );
    }
  });
}

/** Checks a format name from config or the command line; throws a ConfigError listing the valid ones. */
export function parseSftFormat(value: string, location?: string): SftFormat {
  if ((sftFormats as readonly string[]).includes(value)) return value as SftFormat;
  throw new ConfigError(`unknown SFT format "${value}"; the formats are ${sftFormats.join(', ')}`, {
    location,
    hint: 'trl is the default; see docs/export-formats.md for which trainer reads which',
  });
}
