import { describe, expect, it } from 'vitest';
import { extractFinalAnswer } from './extract-final-answer.js';

const reasoning = 'SECRET-COT the user asks about locks; rule illicit.K0 applies';
const answer = 'Pin tumbler locks use spring-loaded pins.';

describe('extractFinalAnswer', () => {
  const forms: Array<[string, string, Parameters<typeof extractFinalAnswer>[1]?]> = [
    ['inline think tags (TRL, verl)', `<think>\n${reasoning}\n</think>\n\n${answer}`],
    ['a missing opening tag (R1-style prefilled prompt)', `${reasoning}\n</think>\n\n${answer}`],
    [
      'ChatML special tokens left in (OpenRLHF query)',
      `<think>\n${reasoning}\n</think>\n\n${answer}<|im_end|>\n<|endoftext|>`,
    ],
    [
      'harmony channels with special tokens',
      `<|channel|>analysis<|message|>${reasoning}<|end|><|start|>assistant<|channel|>final<|message|>${answer}<|return|>`,
    ],
    ['harmony with special tokens stripped', `analysis${reasoning}assistantfinal${answer}`],
    ['a separate reasoning field', answer, { reasoningField: reasoning }],
    ['a reasoning field and inline tags', `<think>${reasoning}</think>${answer}`, { reasoningField: reasoning }],
    ['Llama 3 end of turn', `<think>${reasoning}</think>${answer}<|eot_id|>`],
  ];
  for (const [name, text, options] of forms) {
    it(`removes the reasoning: ${name}`, () => {
      const result = extractFinalAnswer(text, options);
      expect(result).toMatchObject({ ok: true, answer });
      if (result.ok) expect(result.reasoningForm).not.toBe('none');
    });
  }

  it('keeps a plain answer as it is', () => {
    expect(extractFinalAnswer(`  ${answer}\n`)).toEqual({ ok: true, answer, reasoningForm: 'none' });
  });

  it('has no answer when the reasoning was never closed, never returning the reasoning', () => {
    for (const text of [`<think>${reasoning}`, reasoning]) {
      const result = extractFinalAnswer(text, { prefilledThink: text === reasoning });
      expect(result).toMatchObject({ ok: false, reason: 'no-final-answer' });
    }
  });

  it('has no answer for harmony without a final channel, or an empty answer', () => {
    expect(extractFinalAnswer(`<|channel|>analysis<|message|>${reasoning}<|end|>`)).toMatchObject({ ok: false });
    expect(extractFinalAnswer(`<think>${reasoning}</think>\n<|im_end|>`)).toMatchObject({ ok: false });
  });

  it('cuts a second, unclosed think block after the answer', () => {
    expect(extractFinalAnswer(`<think>a</think>${answer}<think>${reasoning}`)).toMatchObject({ ok: true, answer });
  });
});
