/**
 * @module pipeline/export-rl
 * The RL export: prompts (no spec) with their categories and metadata, for the reward server to render
 * spec(category) at training time. TRL GRPO JSONL (extra columns become reward-function kwargs), OpenRLHF JSONL
 * (`input` / `label` / `datasource`, the label a JSON string) and verl Parquet (`data_source` / `prompt` / `reward_model` / `extra_info`).
 */
import { ConfigError } from '../errors.js';
import type { ChatTemplate, TemplateMessage, TokenizerConfig } from '../io/chat-template.js';
import { writeJsonl } from '../io/jsonl.js';
import { type ParquetType, writeParquet } from '../io/write-parquet.js';
import { PACKAGE_NAME } from '../records/package-name.js';
import type { Prompt } from '../records/prompt.js';
import { createSpecTextGuard } from '../spec/spec-text-guard.js';
import { exportConversation } from './export-conversation.js';
import { createCategoryTally, type ExportSummary } from './export-summary.js';
import { resolveChatTemplate } from './render-check.js';
import { createTokenTally, plainConversationText, qwen3TokenCounter, type TokenCounter } from './token-stats.js';

export const rlFormats = ['trl', 'openrlhf', 'verl'] as const;
export type RlFormat = (typeof rlFormats)[number];

export interface ExportRlOptions {
  outFile: string;
  /** Default `trl`. */
  format?: RlFormat;
  /**
   * OpenRLHF `datasource` and verl `data_source`; default the package name (`deliberate-align`). verl picks a built-in
   * reward function by `data_source` only without `custom_reward_function`; the generated folders set that to the
   * deliberate adapter, which ignores it.
   */
  dataSource?: string;
  /** verl `ability`; default `safety`. */
  ability?: string;
  /** Written into every row's label, so the reward server can check it renders the same spec. */
  specHash?: string;
  /** Spec texts that must not appear in any prompt. */
  forbiddenTexts?: readonly string[];
  /** When set, prompts are rendered with `add_generation_prompt=true`, checked for spec text, and counted rendered. */
  chatTemplate?: ChatTemplate | string | TokenizerConfig;
  templateKwargs?: Record<string, unknown>;
  /** Tokenizer for the prompt-length statistics; default Qwen3; `false` skips them. */
  tokenCounter?: TokenCounter | false;
}

/** What the reward server needs to judge a rollout: the prompt id, its categories and metadata (and the spec hash). */
export interface RlLabel {
  id: string;
  categories: string[];
  metadata: Prompt['metadata'];
  specHash?: string;
}

const message: ParquetType = { kind: 'struct', fields: { role: { kind: 'string' }, content: { kind: 'string' } } };
const messages: ParquetType = { kind: 'list', element: message };

/** The verl Parquet columns; `extra_info.metadata` is a JSON string because Parquet needs one schema for every row. */
export const verlColumns: Record<string, ParquetType> = {
  data_source: { kind: 'string' },
  prompt: messages,
  ability: { kind: 'string' },
  reward_model: { kind: 'struct', fields: { style: { kind: 'string' }, ground_truth: { kind: 'string' } } },
  extra_info: {
    kind: 'struct',
    fields: {
      index: { kind: 'int64' },
      prompt_id: { kind: 'string' },
      prompt: messages,
      categories: { kind: 'list', element: { kind: 'string' } },
      metadata: { kind: 'string' },
      spec_hash: { kind: 'string', optional: true },
    },
  },
};

/**
 * Writes the RL prompt set atomically and returns what was written and measured. One pass over `prompts` (a generator
 * is fine): each prompt is checked, written and counted before the next is pulled, so memory does not grow with them.
 * @example exportRl(prompts, { outFile: 'out/rl.parquet', format: 'verl', forbiddenTexts: specTexts })
 */
export function exportRl(prompts: Iterable<Prompt>, options: ExportRlOptions): ExportSummary {
  const format = options.format ?? 'trl';
  if (format === 'verl' && !options.outFile.endsWith('.parquet')) {
    throw new ConfigError(`verl RL data must be a .parquet file, got ${options.outFile}`, {
      hint: 'name the RL output file *.parquet (verl rejects other extensions, .jsonl included)',
    });
  }
  const guard = createSpecTextGuard(options.forbiddenTexts);
  const template = options.chatTemplate === undefined ? undefined : resolveChatTemplate(options.chatTemplate);
  const counter = options.tokenCounter === false ? undefined : (options.tokenCounter ?? qwen3TokenCounter());
  const tokens = counter ? createTokenTally(counter) : undefined;
  const tally = createCategoryTally();
  let rows = 0;
  function* exportRows(): Generator<Record<string, unknown>> {
    for (const prompt of prompts) {
      const conversation = checkedConversation(prompt, rows, { guard, template, options });
      tokens?.add({ prompt: conversation.text, completion: '' });
      tally.add(prompt);
      yield rlRow(prompt, rows, conversation.turns, format, options);
      rows += 1;
    }
  }
  if (format === 'verl') writeParquet(options.outFile, { columns: verlColumns, rows: exportRows() });
  else writeJsonl(options.outFile, exportRows());
  const tokenStatistics =
    tokens?.statistics({ basis: template ? 'chat-template' : 'plain-text', suggestionFor: 'max_prompt_length' }) ??
    null;
  return {
    kind: 'rl',
    format,
    outFile: options.outFile,
    rows,
    ...tally.counts(),
    specTextsChecked: guard.checkedTexts,
    tokenStatistics,
    renderCheck: template
      ? { template: template.origin, templateHash: template.hash, rowsChecked: rows, passed: true }
      : null,
    notes: rlNotes(format, options.outFile, tokenStatistics?.suggestedMaxLength),
  };
}

/**
 * A prompt's exported turns, checked for spec text (and, with a chat template, its rendered text too); `text` is what
 * its tokens are counted on.
 */
function checkedConversation(
  prompt: Prompt,
  index: number,
  context: {
    guard: ReturnType<typeof createSpecTextGuard>;
    template: ChatTemplate | undefined;
    options: ExportRlOptions;
  },
): { turns: TemplateMessage[]; text: string } {
  const { guard, template, options } = context;
  const location = `${options.outFile}:${index + 1}`;
  const turns = exportConversation(prompt.messages, { rowId: prompt.id, location });
  const plain = plainConversationText(turns);
  guard.assertAbsent(plain, { rowId: prompt.id, location, part: 'prompt' });
  if (template === undefined) return { turns, text: plain };
  const rendered = template.render({
    messages: turns,
    addGenerationPrompt: true,
    templateKwargs: options.templateKwargs,
  });
  guard.assertAbsent(rendered, { rowId: prompt.id, location, part: 'rendered prompt' });
  return { turns, text: rendered };
}

/** One row of the RL file in the engine's format. */
function rlRow(
  prompt: Prompt,
  index: number,
  conversation: TemplateMessage[],
  format: RlFormat,
  options: ExportRlOptions,
): Record<string, unknown> {
  if (format === 'trl') return trlRow(prompt, conversation, options.specHash);
  const label: RlLabel = {
    id: prompt.id,
    categories: prompt.categories,
    metadata: prompt.metadata,
    ...(options.specHash === undefined ? {} : { specHash: options.specHash }),
  };
  if (format === 'verl') return verlRow(prompt, index, conversation, label, options);
  return { input: conversation, label: JSON.stringify(label), datasource: options.dataSource ?? PACKAGE_NAME };
}

function trlRow(
  prompt: Prompt,
  conversation: TemplateMessage[],
  specHash: string | undefined,
): Record<string, unknown> {
  return {
    prompt: conversation,
    prompt_id: prompt.id,
    categories: prompt.categories,
    metadata: prompt.metadata,
    ...(specHash === undefined ? {} : { spec_hash: specHash }),
  };
}

function verlRow(
  prompt: Prompt,
  index: number,
  conversation: TemplateMessage[],
  label: RlLabel,
  options: ExportRlOptions,
): Record<string, unknown> {
  const plainMessages = conversation.map((turn) => ({ role: turn.role, content: turn.content }));
  return {
    data_source: options.dataSource ?? PACKAGE_NAME,
    prompt: plainMessages,
    ability: options.ability ?? 'safety',
    reward_model: { style: 'model', ground_truth: JSON.stringify(label) },
    extra_info: {
      index,
      prompt_id: prompt.id,
      prompt: plainMessages,
      categories: prompt.categories,
      metadata: JSON.stringify(prompt.metadata),
      spec_hash: options.specHash ?? null,
    },
  };
}

function rlNotes(format: RlFormat, outFile: string, maxPromptLength: number | undefined): string[] {
  const length = maxPromptLength === undefined ? '' : maxPromptLength;
  switch (format) {
    case 'trl':
      return [
        `TRL GRPO: datasets: [{path: json, data_files: ${outFile}}]; prompt_id, categories, metadata (and spec_hash) reach reward functions as keyword arguments`,
        'raise max_completion_length well above the default 512 for reasoning models',
      ];
    case 'openrlhf':
      return [
        `OpenRLHF ≥ 0.10.2: --data.prompt_dataset ${outFile} --data.input_key input --data.label_key label --data.apply_chat_template; older: --prompt_data --input_key --label_key --apply_chat_template`,
      ];
    case 'verl':
      return [
        `verl: data.train_files=${outFile}${length === '' ? '' : ` data.max_prompt_length=${length}`}; reward_model.ground_truth holds the label JSON, extra_info.metadata a JSON string`,
      ];
  }
}
