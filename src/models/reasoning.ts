/**
 * @module models/reasoning
 * One place that turns every engine's reasoning form into `{ reasoning, answer }`:
 * reasoning fields (`reasoning`, `reasoning_content`, `thinking`), inline `<think>` tags (also with only the closing
 * tag, empty, unclosed, or next to a field), and gpt-oss/harmony channel text.
 */
import type { ReasoningSource } from '../records/completion.js';

export interface RawAssistantParts {
  content: string | null;
  reasoning?: string | null;
  reasoningContent?: string | null;
  thinking?: string | null;
}

export interface NormalisedReasoning {
  /** null: no reasoning at all; '': an empty think block. */
  reasoning: string | null;
  answer: string;
  reasoningSource: ReasoningSource;
  warnings: string[];
}

export interface NormaliseOptions {
  /** The prompt ended in `<think>`: text before `</think>` is reasoning, and output without `</think>` is all reasoning. */
  prefilledThink?: boolean;
}

/**
 * The warnings reasoning normalisation can give, by code (the strings are what `GenerateResult.warnings` carries).
 * Each one means the reasoning/answer split is unreliable: callers that build training data match on these codes,
 * never on the prose.
 */
export const reasoningWarningMessages = {
  'harmony-no-final-channel': 'harmony output has no final channel (truncated?)',
  'several-think-blocks': 'several think blocks in one output (malformed)',
  'unclosed-think-block': 'think block never closed (truncated?)',
  'field-and-think-tags': 'reasoning field and inline think tags both present; used the field',
  'harmony-tokens-stripped':
    'looks like harmony output with its special tokens stripped; reasoning and answer are mixed in the answer',
} as const;
export type ReasoningWarningCode = keyof typeof reasoningWarningMessages;
/** Every reasoning warning code, in a stable order. */
export const reasoningWarningCodes = Object.keys(reasoningWarningMessages) as ReasoningWarningCode[];

/** The code of a reasoning-normalisation warning, or undefined for any other warning (e.g. a backend's own). */
export function reasoningWarningCode(warning: string): ReasoningWarningCode | undefined {
  return reasoningWarningCodes.find((code) => reasoningWarningMessages[code] === warning);
}

const harmonyMarker = '<|channel|>';
const harmonySegment =
  /<\|channel\|>\s*([a-z]+)[^<]*?(?:<\|constrain\|>[^<]*)?<\|message\|>([\s\S]*?)(?=<\|end\|>|<\|return\|>|<\|call\|>|<\|start\|>|<\|channel\|>|$)/g;

/** Splits harmony text into the analysis channel (reasoning) and the final channel (answer). */
export function parseHarmony(text: string): { reasoning: string | null; answer: string; warnings: string[] } {
  const analysis: string[] = [];
  const final: string[] = [];
  for (const match of text.matchAll(harmonySegment)) {
    const channel = match[1]!;
    const body = match[2]!.trim();
    if (channel === 'analysis') analysis.push(body);
    else if (channel === 'final') final.push(body);
  }
  const warnings = final.length === 0 ? [reasoningWarningMessages['harmony-no-final-channel']] : [];
  return { reasoning: analysis.length > 0 ? analysis.join('\n\n') : null, answer: final.join('\n\n'), warnings };
}

/** Removes think blocks and a dangling `</think>` prefix from content (used when a reasoning field was also sent). */
function stripThinkTags(content: string): string {
  const closing = content.lastIndexOf('</think>');
  const afterClosing = closing === -1 ? content : content.slice(closing + '</think>'.length);
  return afterClosing.replace(/<think>[\s\S]*$/, '').trim();
}

function splitThinkTags(content: string, options: NormaliseOptions): NormalisedReasoning | null {
  const warnings: string[] = [];
  const closing = content.lastIndexOf('</think>');
  const trimmedStart = content.trimStart();
  if (closing !== -1) {
    let reasoning = content.slice(0, closing).trim();
    if (reasoning.startsWith('<think>')) reasoning = reasoning.slice('<think>'.length).trim();
    const answer = content.slice(closing + '</think>'.length).trim();
    if (reasoning.includes('<think>') || answer.includes('<think>') || content.indexOf('</think>') !== closing) {
      warnings.push(reasoningWarningMessages['several-think-blocks']);
    }
    return {
      reasoning,
      answer,
      reasoningSource: 'think-tags',
      warnings,
    };
  }
  if (trimmedStart.startsWith('<think>') || options.prefilledThink) {
    // Never closed: truncation. Everything is reasoning; never an answer-only completion.
    const reasoning = trimmedStart.startsWith('<think>') ? trimmedStart.slice('<think>'.length).trim() : content.trim();
    return {
      reasoning,
      answer: '',
      reasoningSource: 'think-tags',
      warnings: [reasoningWarningMessages['unclosed-think-block']],
    };
  }
  return null;
}

/** Normalises one assistant output; a reasoning field wins, then inline tags, then harmony channels. */
export function normaliseReasoning(parts: RawAssistantParts, options: NormaliseOptions = {}): NormalisedReasoning {
  const content = parts.content ?? '';
  const fields: Array<[ReasoningSource, string | null | undefined]> = [
    ['reasoning', parts.reasoning],
    ['reasoning_content', parts.reasoningContent],
    ['thinking', parts.thinking],
  ];
  const field = fields.find(([, value]) => typeof value === 'string' && value.trim() !== '');
  if (field) {
    const hasTags = content.includes('</think>') || content.includes('<think>');
    return {
      reasoning: field[1]!.trim(),
      answer: hasTags ? stripThinkTags(content) : content.trim(),
      reasoningSource: field[0],
      warnings: hasTags ? [reasoningWarningMessages['field-and-think-tags']] : [],
    };
  }
  if (content.includes(harmonyMarker)) {
    const harmony = parseHarmony(content);
    return { ...harmony, reasoningSource: 'harmony' };
  }
  const tags = splitThinkTags(content, options);
  if (tags) return tags;
  // gpt-oss decoded with special tokens stripped: analysis and final run together and cannot be split safely.
  const warnings = /^\s*analysis[\s\S]*assistantfinal/.test(content)
    ? [reasoningWarningMessages['harmony-tokens-stripped']]
    : [];
  return { reasoning: null, answer: content.trim(), reasoningSource: 'none', warnings };
}
