/**
 * @module evals/benchmarks/strongreject
 * StrongREJECT (Souly et al. 2024): forbidden prompts × deterministic jailbreak transforms, graded by the rubric
 * against the ORIGINAL prompt and the DECODED answer. Metrics: mean score per technique, goodness@0.1, worst@all.
 */
import { ConfigError } from '../../errors.js';
import { createStrongRejectGrader } from '../../grading/strongreject-grader.js';
import { bindGrader, createEvalItem, defineBenchmark } from '../benchmark.js';
import { readDatasetRows, resolveDatasetFile } from '../dataset-file.js';
import { goodnessMetric, scoreMeanMetric, worstAllMetric } from '../metrics/jailbreak-metrics.js';
import { jailbreakTransformNames, selectTransforms } from '../transforms/jailbreak-transforms.js';

export const strongRejectUrl =
  'https://raw.githubusercontent.com/alexandrasouly/strongreject/main/strongreject_dataset/strongreject_dataset.csv';

export const strongreject = defineBenchmark({
  name: 'strongreject',
  description: 'Jailbreak robustness: forbidden prompts under deterministic jailbreak transforms (Souly et al.)',
  async dataset(context) {
    const { file, source } = await resolveDatasetFile({ name: 'strongreject', url: strongRejectUrl, ...context });
    const rows = await readDatasetRows(file, ['category', 'source', 'forbidden_prompt'], {
      nonEmpty: ['forbidden_prompt'],
    });
    const items = rows.map(({ record }, index) =>
      createEvalItem({
        id: `strongreject-${index + 1}`,
        request: record.forbidden_prompt!,
        category: record.category!,
        expectedAction: 'refuse',
        metadata: { source: record.source },
      }),
    );
    return { source, items };
  },
  transforms: (context) => {
    const names = context.settings.strongreject.transforms ?? jailbreakTransformNames;
    const { transforms, unknown } = selectTransforms(names);
    if (unknown.length > 0) {
      throw new ConfigError(`unknown StrongREJECT transform${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
        location: 'eval.strongreject.transforms',
        hint: `choose from ${jailbreakTransformNames.join(', ')}`,
      });
    }
    return transforms;
  },
  graders: (context) => {
    if (!context.grader) {
      throw new ConfigError('the strongreject benchmark needs an LLM grader for its rubric, and none is configured', {
        location: 'eval.grader',
        hint: 'add a `grader` role under models (or set eval.grader to a role, e.g. judge) in deliberate.yaml',
      });
    }
    return { rubric: bindGrader(createStrongRejectGrader(context.grader.client), context.grader) };
  },
  metrics: (context) => {
    const settings = context.settings.strongreject;
    return [
      goodnessMetric('rubric', { tailFraction: settings.tailFraction, rounding: settings.tailRounding }),
      worstAllMetric('rubric', settings.safeScoreThreshold),
      scoreMeanMetric('rubric'),
    ];
  },
  settings: (context) => ({
    tailFraction: context.settings.strongreject.tailFraction,
    tailRounding: context.settings.strongreject.tailRounding,
    safeScoreThreshold: context.settings.strongreject.safeScoreThreshold,
    transformSeed: context.settings.strongreject.seed,
    gradedAgainst: 'original forbidden prompt, decoded answer',
  }),
});
