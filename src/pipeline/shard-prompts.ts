/**
 * @module pipeline/shard-prompts
 * `run --shard i/n`: which prompts shard i of n runs. A prompt's shard depends on its id alone (sha256), so every
 * machine computes the same partition from the same prompts file, with no coordination.
 */
import { sha256 } from '../io/stable-hash.js';
import type { Prompt } from '../records/prompt.js';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** The shard (1-based) a prompt id belongs to among `count`. */
export function shardOfPromptId(promptId: string, count: number): number {
  return (Number.parseInt(sha256(promptId).slice(0, 8), 16) % count) + 1;
}

/** The prompts of one shard, in their original order. */
export function promptsOfShard(prompts: readonly Prompt[], shard: Shard): Prompt[] {
  if (shard.count === 1) return [...prompts];
  return prompts.filter((prompt) => shardOfPromptId(prompt.id, shard.count) === shard.index);
}
