import { describe, expect, it } from 'vitest';
import type { Prompt } from '../records/prompt.js';
import { promptsOfShard, shardOfPromptId } from './shard-prompts.js';

const prompts: Prompt[] = Array.from({ length: 3000 }, (_, index) => ({
  schemaVersion: 1,
  id: `p${index}`,
  messages: [{ role: 'user', content: `q${index}` }],
  categories: [],
  metadata: {},
}));

describe('shards', () => {
  it('put every prompt in exactly one shard, in the original order, about evenly', () => {
    const shards = [1, 2, 3].map((index) => promptsOfShard(prompts, { index, count: 3 }));
    const ids = shards.flat().map((prompt) => prompt.id);
    expect(new Set(ids).size).toBe(prompts.length);
    for (const shard of shards) {
      expect(shard.length).toBeGreaterThan(900);
      expect(shard.length).toBeLessThan(1100);
      const positions = shard.map((prompt) => Number(prompt.id.slice(1)));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  });

  it('depend on the prompt id alone', () => {
    expect(shardOfPromptId('p17', 5)).toBe(shardOfPromptId('p17', 5));
    expect(promptsOfShard(prompts, { index: 1, count: 1 })).toHaveLength(prompts.length);
  });
});
