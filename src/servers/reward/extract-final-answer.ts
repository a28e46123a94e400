/**
 * @module servers/reward/extract-final-answer
 * The reward judges the final answer only (Guan et al. 2024 put no optimisation pressure on the chain of thought
 * in RL: a reward that reads it teaches the model to hide it). Every form in which a trainer hands over the chain
 * of thought is removed here, before anything reaches the judge. Forms: a separate reasoning field; `<think>…</think>`
 * inline (TRL GRPO completions, verl `solution_str`); a missing opening tag (R1-style prompts end in `<think>\n`);
 * harmony channels with their special tokens (OpenRLHF `query`) or without them (decoded with
 * `skip_special_tokens=True`: `analysis…assistantfinal…`); and chat-template special tokens left in the text.
 */
import { normaliseReasoning } from '../../models/reasoning.js';

/** How the reasoning arrived; `none` when the text had none. */
export type ReasoningForm = 'none' | 'field' | 'think-tags' | 'harmony' | 'harmony-stripped';

export type FinalAnswer =
  | { ok: true; answer: string; reasoningForm: ReasoningForm }
  | {
      ok: false;
      /** `no-final-answer`: reasoning never closed (truncated), a harmony output without a final channel, or nothing after the reasoning. */
      reason: 'no-final-answer';
      message: string;
      reasoningForm: ReasoningForm;
    };

export interface ExtractFinalAnswerOptions {
  /** A separate reasoning field sent with the completion (`reasoning_content`, `reasoning`, `thinking`). */
  reasoningField?: string | null;
  /** The generation prompt ended in `<think>`: text before `</think>` is reasoning, no `</think>` means no answer. */
  prefilledThink?: boolean;
}

/** Chat-template control tokens that may be left in decoded text (ChatML, Llama 3, harmony endings, common EOS). */
const endOfTurnTokens = /<\|im_end\|>|<\|endoftext\|>|<\|eot_id\|>|<\|end_of_text\|>|<\|return\|>|<\/s>|<\|end\|>/;
const leftoverSpecialTokens = /<\|(?:im_start|im_end|endoftext|eot_id|end_of_text|start_header_id|end_header_id)\|>/g;

/** Cuts the text at the first end-of-turn token that ends the answer (what follows is padding or a next turn). */
function cutAtEndOfTurn(text: string): string {
  if (text.includes('<|channel|>')) return text; // harmony: <|end|> separates channels, the parser handles it
  const match = endOfTurnTokens.exec(text);
  return match ? text.slice(0, match.index) : text;
}

/** gpt-oss decoded without special tokens: `analysis<CoT>assistantfinal<answer>`; the answer follows the last marker. */
function splitStrippedHarmony(text: string): string | null {
  if (!/^\s*analysis/.test(text)) return null;
  const marker = text.lastIndexOf('assistantfinal');
  return marker === -1 ? null : text.slice(marker + 'assistantfinal'.length).trim();
}

/** The final answer of one completion, with every reasoning form removed; never returns reasoning as the answer. */
export function extractFinalAnswer(text: string, options: ExtractFinalAnswerOptions = {}): FinalAnswer {
  const content = cutAtEndOfTurn(text);
  const stripped = splitStrippedHarmony(content);
  if (stripped !== null) return { ok: true, answer: stripped, reasoningForm: 'harmony-stripped' };
  const normalised = normaliseReasoning(
    { content, reasoning: options.reasoningField ?? null },
    { prefilledThink: options.prefilledThink },
  );
  const reasoningForm: ReasoningForm =
    normalised.reasoningSource === 'none'
      ? 'none'
      : normalised.reasoningSource === 'think-tags' || normalised.reasoningSource === 'harmony'
        ? normalised.reasoningSource
        : 'field';
  const unclosed = reasoningForm === 'think-tags' && !content.includes('</think>');
  const noFinalChannel = reasoningForm === 'harmony' && !content.includes('<|channel|>final');
  if (unclosed || noFinalChannel) {
    return {
      ok: false,
      reason: 'no-final-answer',
      message: unclosed
        ? 'the reasoning was never closed with </think> (truncated?), so there is no final answer to judge'
        : 'the harmony output has no final channel (truncated?), so there is no final answer to judge',
      reasoningForm,
    };
  }
  // A stray opening tag after the answer (a second, unclosed block) is reasoning too: cut it.
  const answer = normalised.answer
    .replace(/<think>[\s\S]*$/, '')
    .replace(leftoverSpecialTokens, '')
    .trim();
  if (answer === '') {
    return { ok: false, reason: 'no-final-answer', message: 'the completion has no final answer', reasoningForm };
  }
  return { ok: true, answer, reasoningForm };
}
