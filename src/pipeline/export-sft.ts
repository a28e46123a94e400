/**
 * @module pipeline/export-sft
 * The SFT export: accepted TrainingExamples → one JSONL file in the trainer's format, the spec removed (the original
 * conversation → reasoning + answer). Provenance goes to a `.meta.jsonl` sidecar, row for row, so the training file
 * holds only the columns the trainer reads (extra columns end up in `datasets` schema unification and collators).
 * Optionally renders every row with the real chat template first; nothing is written when a check fails.
 */
import path from 'node:path';
import type { ChatTemplate, TokenizerConfig } from '../io/chat-template.js';
import { writeJsonl } from '../io/jsonl.js';
import type { TrainingExample } from '../records/training-example.js';
import { createSpecTextGuard } from '../spec/spec-text-guard.js';
import { countCategoriesAndActions, type ExportSummary } from './export-summary.js';
import { checkRender, resolveChatTemplate } from './render-check.js';
import {
  buildSftRow,
  reasoningKeyOf,
  type SftFormat,
  type SftRow,
  type SftRowOptions,
  splitSftRow,
} from './sft-row.js';
import {
  computeTokenStatistics,
  plainCompletionText,
  plainConversationText,
  qwen3TokenCounter,
  type TokenCounter,
  type TokenRowTexts,
} from './token-stats.js';

export interface ExportSftOptions {
  outFile: string;
  /** Default `trl`. */
  format?: SftFormat;
  reasoningKey?: SftRowOptions['reasoningKey'];
  reasoningEffort?: SftRowOptions['reasoningEffort'];
  /** Spec texts (summaries, rule texts) that must not appear in any prompt; export fails naming the row if one does. */
  forbiddenTexts?: readonly string[];
  /** When set, every row is rendered with this template and checked before anything is written (`--chat-template`). */
  chatTemplate?: ChatTemplate | string | TokenizerConfig;
  /** Template variables for the render check and token counts (e.g. `{ enable_thinking: true }`). */
  templateKwargs?: Record<string, unknown>;
  /** Tokenizer for the length statistics; default Qwen3; `false` skips them. */
  tokenCounter?: TokenCounter | false;
}

/** One line of the provenance sidecar. */
export interface SftMetaRow {
  row: number;
  id: string;
  promptId: string;
  completionId: string;
  categories: string[];
  metadata: TrainingExample['metadata'];
  score: number;
  specHash: string;
  specVersion: string;
  templateId: string;
  teacherModelId: string;
  judgementIds: string[];
}

/**
 * Writes the SFT file and its `.meta.jsonl` sidecar atomically and returns what was written and measured.
 * @example exportSft(examples, { outFile: 'out/sft.jsonl', format: 'trl', forbiddenTexts: specTexts, chatTemplate: 'tokenizer_config.json' })
 */
export function exportSft(examples: readonly TrainingExample[], options: ExportSftOptions): ExportSummary {
  const rowOptions: SftRowOptions = {
    format: options.format ?? 'trl',
    reasoningKey: options.reasoningKey,
    reasoningEffort: options.reasoningEffort,
  };
  const guard = createSpecTextGuard(options.forbiddenTexts);
  const rows: SftRow[] = examples.map((example, index) => {
    const location = `${options.outFile}:${index + 1}`;
    const row = buildSftRow(example, { ...rowOptions, location });
    const promptText = splitSftRow(row, rowOptions)
      .prompt.map((message) => message.content)
      .join('\n');
    guard.assertAbsent(promptText, { rowId: example.id, location, part: 'prompt' });
    return row;
  });
  const rowIds = examples.map((example) => example.id);

  let renderCheck: ExportSummary['renderCheck'] = null;
  let tokenTexts: TokenRowTexts[];
  if (options.chatTemplate !== undefined) {
    const checked = checkRender(rows, {
      ...rowOptions,
      chatTemplate: resolveChatTemplate(options.chatTemplate),
      forbiddenTexts: options.forbiddenTexts,
      rowIds,
      templateKwargs: options.templateKwargs,
    });
    renderCheck = checked.summary;
    tokenTexts = checked.rendered.map((rendered) => ({ prompt: rendered.prompt, full: rendered.full }));
  } else {
    tokenTexts = examples.map((example) => ({
      prompt: plainConversationText(example.messages),
      completion: plainCompletionText(example.reasoning, example.answer),
    }));
  }
  const counter = options.tokenCounter === false ? undefined : (options.tokenCounter ?? qwen3TokenCounter());
  const tokenStatistics = counter
    ? computeTokenStatistics(tokenTexts, {
        counter,
        basis: renderCheck ? 'chat-template' : 'plain-text',
        suggestionFor: 'max_length',
      })
    : null;

  const metaFile = sftMetaFile(options.outFile);
  writeJsonl(
    metaFile,
    examples.map((example, index) => sftMetaRow(example, index + 1)),
  );
  writeJsonl(options.outFile, rows);
  return {
    kind: 'sft',
    format: rowOptions.format,
    outFile: options.outFile,
    metaFile,
    rows: rows.length,
    ...countCategoriesAndActions(examples),
    specTextsChecked: guard.checkedTexts,
    tokenStatistics,
    renderCheck,
    notes: sftNotes(options.outFile, rowOptions, tokenStatistics?.suggestedMaxLength),
  };
}

/** `out/sft.jsonl` → `out/sft.meta.jsonl`. */
export function sftMetaFile(outFile: string): string {
  return `${outFile.replace(/\.jsonl?$/, '')}.meta.jsonl`;
}

function sftMetaRow(example: TrainingExample, row: number): SftMetaRow {
  return {
    row,
    id: example.id,
    promptId: example.promptId,
    completionId: example.completionId,
    categories: example.categories,
    metadata: example.metadata,
    score: example.score,
    specHash: example.specHash,
    specVersion: example.specVersion,
    templateId: example.templateId,
    teacherModelId: example.teacherModelId,
    judgementIds: example.judgementIds,
  };
}

function sftNotes(outFile: string, options: SftRowOptions, maxLength: number | undefined): string[] {
  const length = maxLength === undefined ? '' : `, max_length: ${maxLength}`;
  const key = reasoningKeyOf(options);
  switch (options.format) {
    case 'trl':
      return [
        `TRL SFT: datasets: [{path: json, data_files: ${outFile}, split: train}]${length}; prompt–completion rows train on the completion only`,
        `the chat template must read "${key}" on the assistant message (Qwen3 and TRL read reasoning_content, gpt-oss thinking)`,
      ];
    case 'messages':
      return [
        `Axolotl: type: chat_template, field_messages: messages, field_thinking: ${key}, template_thinking_key: ${key}`,
        `TRL SFT reads it as language-modelling data: set assistant_only_loss: true with a {% generation %} template${length}`,
      ];
    case 'gpt-oss':
      return [
        `TRL SFT with a gpt-oss model${length}; Axolotl: field_thinking: thinking, template_thinking_key: thinking`,
        'the gpt-oss template renders thinking only on the last assistant turn, which is the target here',
      ];
    case 'think-inline':
      return [
        `LLaMA-Factory dataset_info.json: ${JSON.stringify({
          deliberate_sft: {
            file_name: path.basename(outFile),
            formatting: 'sharegpt',
            columns: { messages: 'messages' },
            tags: {
              role_tag: 'role',
              content_tag: 'content',
              user_tag: 'user',
              assistant_tag: 'assistant',
              system_tag: 'system',
            },
          },
        })}`,
        `LLaMA-Factory: template: qwen3 (or the student's reasoning template)${maxLength === undefined ? '' : `, cutoff_len: ${maxLength}`}`,
      ];
  }
}
