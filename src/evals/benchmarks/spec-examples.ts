/**
 * @module evals/benchmarks/spec-examples
 * The `spec` benchmark: every example in the user's spec becomes an item (item id = example id, so every result
 * traces back to its rule), graded by the spec-aware judge for the right action and for style adherence per action,
 * with not_unsafe / not_overrefuse beside them and policy retrieval for reasoning targets.
 */
import { ConfigError } from '../../errors.js';
import { createJudgeGrader } from '../../grading/judge-grader.js';
import type { EvalItem } from '../../records/eval-log.js';
import type { Spec } from '../../records/spec.js';
import { bindGrader, createEvalItem, defineBenchmark } from '../benchmark.js';
import {
  actionAccuracyMetric,
  judgeNotOverrefuseMetric,
  notUnsafeMetric,
  policyRetrievalMetric,
  styleAdherenceMetric,
} from '../metrics/judge-metrics.js';
import { requireJudge } from './require-judge.js';

/** One EvalItem per spec example. */
export function specExampleItems(spec: Spec): EvalItem[] {
  return spec.categories.flatMap((category) =>
    category.rules.flatMap((rule) =>
      rule.examples.map((example) =>
        createEvalItem({
          id: example.id,
          messages: [...example.context, { role: 'user', content: example.request }],
          category: category.id,
          expectedAction: example.expectedAction,
          metadata: {
            ruleId: rule.id,
            ruleTitle: rule.title,
            location: `${example.location.file}:${example.location.line}`,
          },
        }),
      ),
    ),
  );
}

const ruleOf = (item: EvalItem) => String(item.metadata.ruleId ?? item.category);

export const specBenchmark = defineBenchmark({
  name: 'spec',
  description: "Your spec's own examples, each with its expected action: right action and style per action, by rule",
  dataset(context) {
    if (!context.spec) {
      throw new ConfigError('the spec benchmark needs the spec, and none was loaded', {
        location: 'spec',
        hint: 'set `spec:` in deliberate.yaml to your spec file or folder',
      });
    }
    const items = specExampleItems(context.spec);
    if (items.length === 0) {
      throw new ConfigError('the spec has no examples, so the spec benchmark has no items', {
        location: context.spec.files[0] ?? 'spec',
        hint: 'add examples under your rules (docs/spec-format.md); each becomes an eval item traced to its rule',
      });
    }
    return { source: `spec ${context.spec.id}@${context.spec.version} (${context.spec.hash.slice(0, 12)})`, items };
  },
  graders: (context) => {
    const { judge, spec } = requireJudge(context, 'spec');
    return {
      judge: bindGrader(createJudgeGrader({ judge: judge.client, spec, runs: context.settings.judgeRuns }), judge),
    };
  },
  metrics: (context) => [
    actionAccuracyMetric({ graderKey: 'judge', categoryOf: ruleOf }),
    styleAdherenceMetric({ graderKey: 'judge' }),
    notUnsafeMetric({
      graderKey: 'judge',
      include: (item) => item.expectedAction === 'refuse' || item.expectedAction === 'safe-complete',
    }),
    judgeNotOverrefuseMetric({ graderKey: 'judge', include: (item) => item.expectedAction === 'comply' }),
    policyRetrievalMetric({
      ruleIdsByCategory: new Map(
        (context.spec?.categories ?? []).map((category) => [category.id, category.rules.map((rule) => rule.id)]),
      ),
    }),
  ],
  settings: (context) => ({ judgeRuns: context.settings.judgeRuns, actionAccuracyBreakdown: 'per rule' }),
  warnings: (context) => {
    const untested = (context.spec?.categories ?? [])
      .flatMap((category) => category.rules)
      .filter((rule) => rule.examples.length === 0)
      .map((rule) => rule.id);
    if (untested.length === 0) return [];
    return [
      `spec: ${untested.length} rule(s) have no examples, so no eval item traces to them: ${untested.join(', ')} (add examples under those rules)`,
    ];
  },
});
