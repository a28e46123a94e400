import type { ModelPrice } from '../records/model-settings.js';
import type { Usage } from '../records/usage.js';

/** Estimated cost of `usage` at `price` (per million prompt and completion tokens); reasoning tokens are completion tokens. */
export function estimateCost(usage: Usage, price: ModelPrice): number {
  return (usage.promptTokens * price.inputPerMillion + usage.completionTokens * price.outputPerMillion) / 1_000_000;
}
