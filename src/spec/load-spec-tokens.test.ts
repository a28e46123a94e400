import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { checkSpec, loadSpec } from './load-spec.js';

const counted = vi.hoisted(() => ({ texts: [] as string[] }));

// Every text the real tokenizer encodes, seen from the package itself (so no path around it goes uncounted).
vi.mock('@huggingface/tokenizers', async (importOriginal) => {
  const { recordEncodes } = await import('../../test/helpers/record-encodes.js');
  return recordEncodes(await importOriginal<typeof import('@huggingface/tokenizers')>(), (text) => {
    counted.texts.push(text);
  });
});

const tinySpec = path.join(import.meta.dirname, '__fixtures__/tiny-spec');

describe('loadSpec and the tokenizer', () => {
  it('counts no tokens for a spec whose texts are within their budgets by their byte bound', async () => {
    counted.texts = [];
    await loadSpec(tinySpec);
    expect(counted.texts).toEqual([]);
  });

  it('counts a text whose bound is over its budget, and spec check counts every text', async () => {
    counted.texts = [];
    await loadSpec(tinySpec, { tokenBudget: 10, onWarning: () => {} });
    expect(counted.texts.length).toBeGreaterThan(0);
    counted.texts = [];
    const checked = await checkSpec(tinySpec);
    expect(counted.texts.length).toBe(checked.tokens.length * 2);
  });
});
