import { describe, expect, it } from 'vitest';
import { normaliseReasoning, parseHarmony, reasoningWarningCode } from './reasoning.js';

describe('normaliseReasoning', () => {
  it('reads each reasoning field and records which one', () => {
    for (const [key, source] of [
      ['reasoning', 'reasoning'],
      ['reasoningContent', 'reasoning_content'],
      ['thinking', 'thinking'],
    ] as const) {
      const result = normaliseReasoning({ content: ' Answer. ', [key]: ' Why. ' });
      expect(result).toMatchObject({ reasoning: 'Why.', answer: 'Answer.', reasoningSource: source });
    }
  });

  it('splits inline think tags on the last closing tag', () => {
    expect(normaliseReasoning({ content: '<think>\nstep one\n</think>\n\nThe answer.' })).toMatchObject({
      reasoning: 'step one',
      answer: 'The answer.',
      reasoningSource: 'think-tags',
      warnings: [],
    });
  });

  it('treats text before a lone closing tag as reasoning (prefilled think)', () => {
    expect(normaliseReasoning({ content: 'I consider it.\n</think>\nYes.' })).toMatchObject({
      reasoning: 'I consider it.',
      answer: 'Yes.',
    });
  });

  it("keeps an empty think block as '' and no tags as null", () => {
    expect(normaliseReasoning({ content: '<think>\n\n</think>\n\nHi.' })).toMatchObject({
      reasoning: '',
      answer: 'Hi.',
    });
    expect(normaliseReasoning({ content: 'Hi.' })).toMatchObject({
      reasoning: null,
      answer: 'Hi.',
      reasoningSource: 'none',
    });
  });

  it('puts an unclosed think block (truncation) all in reasoning, never in the answer', () => {
    const result = normaliseReasoning({ content: '<think>\nstill thinking about' });
    expect(result).toMatchObject({ reasoning: 'still thinking about', answer: '' });
    expect(result.warnings[0]).toMatch(/never closed/);
    expect(normaliseReasoning({ content: 'no closing tag yet' }, { prefilledThink: true })).toMatchObject({
      reasoning: 'no closing tag yet',
      answer: '',
    });
  });

  it('prefers the field when both a field and inline tags are present, and strips the tags', () => {
    const result = normaliseReasoning({ content: '<think>dup</think>\n\nFinal.', reasoningContent: 'The field.' });
    expect(result).toMatchObject({ reasoning: 'The field.', answer: 'Final.', reasoningSource: 'reasoning_content' });
  });

  it('flags several think blocks as malformed', () => {
    const result = normaliseReasoning({ content: '<think>a</think>b<think>c</think>d' });
    expect(result.answer).toBe('d');
    expect(result.warnings.join()).toMatch(/several think blocks/);
  });

  it('flags a second think block opened after the answer (never closed) as malformed', () => {
    const result = normaliseReasoning({ content: '<think>a</think>Answer.<think>more thinking' });
    expect(result.reasoning).toBe('a');
    expect(result.warnings.join()).toMatch(/several think blocks/);
  });

  it('parses harmony analysis and final channels', () => {
    const text =
      '<|channel|>analysis<|message|>The user asks X. Policy says allow.<|end|><|start|>assistant<|channel|>final<|message|>Here it is.<|return|>';
    expect(normaliseReasoning({ content: text })).toMatchObject({
      reasoning: 'The user asks X. Policy says allow.',
      answer: 'Here it is.',
      reasoningSource: 'harmony',
    });
    expect(parseHarmony('<|channel|>analysis<|message|>cut off').answer).toBe('');
    const stripped = normaliseReasoning({ content: 'analysisThe user asks X.assistantfinalHere it is.' });
    expect(stripped.reasoning).toBeNull();
    expect(stripped.warnings.join()).toMatch(/special tokens stripped/);
  });

  it('gives every warning a typed code, so callers never match on prose', () => {
    const codesOf = (parts: Parameters<typeof normaliseReasoning>[0]) =>
      normaliseReasoning(parts).warnings.map(reasoningWarningCode);
    expect(codesOf({ content: '<think>a</think>b<think>c</think>d' })).toEqual(['several-think-blocks']);
    expect(codesOf({ content: 'a</think>answer <think>stray' })).toEqual(['several-think-blocks']);
    expect(codesOf({ content: '<think>cut off' })).toEqual(['unclosed-think-block']);
    expect(codesOf({ content: '<|channel|>analysis<|message|>cut off' })).toEqual(['harmony-no-final-channel']);
    expect(codesOf({ content: 'analysisWhy.assistantfinalAnswer.' })).toEqual(['harmony-tokens-stripped']);
    expect(codesOf({ content: '<think>x</think>Answer.', reasoningContent: 'Why.' })).toEqual(['field-and-think-tags']);
    expect(codesOf({ content: '<think>Why.</think>Answer.' })).toEqual([]);
    expect(reasoningWarningCode('no grammar for schema "x"')).toBeUndefined();
  });
});
