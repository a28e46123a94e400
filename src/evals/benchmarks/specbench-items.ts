/**
 * @module evals/benchmarks/specbench-items
 * SpecBench's prompts as eval items (one per row of a scenario's prompts.json: id `<scenario>-<row>`, category the
 * scenario's id, its label, source, adversarial rewrite and reference answer in the metadata), and the benchmark's
 * two transforms: `original` sends the prompt as first written, `adversarial` its adversarial rewrite (SpecBench's
 * default; a safe row's rewrite is the prompt itself). Either way the judge reads the original prompt, as SpecBench's
 * evaluator does.
 */
import { DataError } from '../../errors.js';
import type { EvalItem } from '../../records/eval-log.js';
import type { SpecBenchTransformName } from '../../records/eval-settings.js';
import type { SpecBenchPromptRow } from '../../records/specbench.js';
import { createEvalItem } from '../benchmark.js';
import type { Transform, TransformContext } from '../transforms/transform.js';

/** One scenario's prompts, with the category id the scenario becomes. */
export interface SpecBenchScenarioPrompts {
  id: string;
  prompts: readonly SpecBenchPromptRow[];
}

/** One item per prompt row, in the dataset's order (ids `<scenario>-1`, `<scenario>-2`, …: stable across runs). */
export function specBenchItems(scenario: SpecBenchScenarioPrompts): EvalItem[] {
  return scenario.prompts.map((row, index) =>
    createEvalItem({
      id: `${scenario.id}-${index + 1}`,
      request: row.prompt,
      category: scenario.id,
      // A hint only: a safe prompt is answered; an unsafe one may be refused or safely completed, as the rules say.
      expectedAction: row.label === 'safe' ? 'comply' : null,
      metadata: {
        label: row.label,
        source: row.source,
        adversarialPrompt: row.adversarial_prompt,
        ...(row.answer.trim() === '' ? {} : { referenceAnswer: row.answer }),
      },
    }),
  );
}

function adversarialPromptOf(context: TransformContext): string {
  const rewrite = context.metadata?.adversarialPrompt;
  if (typeof rewrite !== 'string' || rewrite.trim() === '') {
    throw new DataError(`item ${context.itemId} has no adversarial prompt`, {
      hint: 'the adversarial transform is for specbench items, which carry their adversarial_prompt',
    });
  }
  return rewrite;
}

/** The benchmark's transforms by name. */
export const specBenchTransforms: Readonly<Record<SpecBenchTransformName, Transform>> = {
  original: {
    name: 'original',
    description: 'the prompt as SpecBench first wrote it',
    apply: (request) => request,
  },
  adversarial: {
    name: 'adversarial',
    description:
      "SpecBench's adversarial rewrite of the prompt (unsafe prompts reworded as jailbreaks; safe ones as written)",
    apply: (_request, context) => adversarialPromptOf(context),
  },
};
