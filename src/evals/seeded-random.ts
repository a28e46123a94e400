/**
 * @module evals/seeded-random
 * A small seeded PRNG (mulberry32) for transforms and bootstrap resampling: the same seed gives the same numbers
 * on every machine. Not Python's `random`: reproduces distributions, not byte-identical streams.
 */
import { createHash } from 'node:crypto';

export type RandomSource = () => number;

/** Returns a function giving uniform numbers in [0, 1), fully determined by `seed`. */
export function createSeededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed derived from a base seed and any strings (e.g. an item id), so each item gets its own stream. */
export function deriveSeed(seed: number, ...parts: string[]): number {
  const digest = createHash('sha256')
    .update(`${seed}\u0000${parts.join('\u0000')}`)
    .digest();
  return digest.readUInt32LE(0);
}
