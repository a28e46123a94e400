/**
 * @module evals/transforms/best-of-n
 * The best-of-N augmentation (Hughes et al. 2024) as one seeded draw: scramble the middle letters of words longer than
 * three characters (p = 0.6 per word), flip letter case (p = 0.6 per letter), and shift printable ASCII characters
 * by ±1 (p = 0.06 per character). A JS PRNG cannot match Python's stream; the distribution is the same.
 */
import type { RandomSource } from '../seeded-random.js';

export interface BestOfNOptions {
  scrambleProbability: number;
  capitalizeProbability: number;
  noiseProbability: number;
}

export const defaultBestOfNOptions: BestOfNOptions = {
  scrambleProbability: 0.6,
  capitalizeProbability: 0.6,
  noiseProbability: 0.06,
};

function shuffle<T>(values: T[], random: RandomSource): T[] {
  const copy = [...values];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

function scrambleWord(word: string, random: RandomSource): string {
  if (word.length <= 3) return word;
  const letters = [...word];
  const middle = shuffle(letters.slice(1, -1), random);
  return [letters[0], ...middle, letters.at(-1)].join('');
}

/** Applies one best-of-N perturbation to `text`, drawing from `random`. */
export function perturbBestOfN(
  text: string,
  random: RandomSource,
  options: BestOfNOptions = defaultBestOfNOptions,
): string {
  const scrambled = text
    .split(/(\s+)/)
    .map((part) => (/\s/.test(part) || random() >= options.scrambleProbability ? part : scrambleWord(part, random)))
    .join('');
  let output = '';
  for (const character of scrambled) {
    let next = character;
    if (/[a-z]/i.test(next) && random() < options.capitalizeProbability) {
      next = next === next.toUpperCase() ? next.toLowerCase() : next.toUpperCase();
    }
    const code = next.charCodeAt(0);
    if (code >= 32 && code <= 126 && random() < options.noiseProbability) {
      const shifted = code + (random() < 0.5 ? -1 : 1);
      if (shifted >= 32 && shifted <= 126) next = String.fromCharCode(shifted);
    }
    output += next;
  }
  return output;
}
