import { describe, expect, it } from 'vitest';
import { createThinkTagSplitter } from './think-tag-splitter.js';

function split(pieces: string[], prefilledThink = false) {
  const splitter = createThinkTagSplitter({ prefilledThink });
  const deltas = [...pieces.flatMap((piece) => splitter.push(piece)), ...splitter.flush()];
  const joined = { reasoning: '', content: '' };
  for (const delta of deltas) joined[delta.field] += delta.text;
  return { joined, deltas };
}

describe('createThinkTagSplitter', () => {
  it('splits tags cut across pieces', () => {
    expect(split(['<th', 'ink>plan', ' it</th', 'ink>\n\nThe ', 'answer']).joined).toEqual({
      reasoning: 'plan it',
      content: 'The answer',
    });
  });

  it('passes content without tags through at once', () => {
    const { deltas } = split(['Hello', ' world']);
    expect(deltas).toEqual([
      { field: 'content', text: 'Hello' },
      { field: 'content', text: ' world' },
    ]);
  });

  it('treats text before </think> as reasoning when the template prefilled <think>', () => {
    expect(split(['thinking</think>answer'], true).joined).toEqual({ reasoning: 'thinking', content: 'answer' });
  });

  it('keeps an unclosed think block as reasoning, never as answer', () => {
    expect(split(['<think>never closed']).joined).toEqual({ reasoning: 'never closed', content: '' });
  });

  it('does not take a later <think> in the answer for reasoning', () => {
    expect(split(['Use <think> tags like this']).joined.content).toBe('Use <think> tags like this');
  });
});
