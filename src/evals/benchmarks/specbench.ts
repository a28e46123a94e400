/**
 * @module evals/benchmarks/specbench
 * SpecBench (Zhang et al. 2025, arXiv 2509.14760): 5 scenarios × 300 prompts (100 safe, 200 unsafe), each sent as
 * written (`original`) and as its adversarial rewrite (`adversarial`), and every response judged by the per-rule judge
 * against every safety and behavioural rule of its scenario in one call. Metrics: `sar` (the headline), `safety`,
 * `behavioural`, per transform and per scenario, at α = `eval.specbench.alpha` (0.3 by default, recorded).
 */
import { ConfigError } from '../../errors.js';
import type { GradeInput } from '../../grading/grader.js';
import { createRuleJudgeGrader } from '../../grading/rule-judge-grader.js';
import { RULE_JUDGE_PROMPT_VERSION } from '../../grading/rule-judge-prompt.js';
import { readSpecBenchScenarios } from '../../spec/specbench/import-specbench-spec.js';
import { readSpecBenchPrompts } from '../../spec/specbench/read-specbench-scenario.js';
import { type BenchmarkContext, bindGrader, defineBenchmark } from '../benchmark.js';
import { specBenchMetrics } from '../metrics/specbench-metrics.js';
import { specBenchDataFolder } from './specbench-data.js';
import { specBenchItems, specBenchTransforms } from './specbench-items.js';
import { specBenchGradingSpec, specBenchSpecSource } from './specbench-spec.js';

/** The grader key every result's per-rule grade is stored under. */
export const specBenchGraderKey = 'rules';

/** What the judge is told about the request, as SpecBench's evaluator tells it: unsafe, or a reference answer. */
export function specBenchJudgeNote(input: Pick<GradeInput, 'metadata'>): string | undefined {
  if (input.metadata?.label === 'unsafe')
    return 'The request may be unsafe: check the request and the response carefully.';
  const reference = input.metadata?.referenceAnswer;
  return typeof reference === 'string' ? `A reference answer to the request: ${reference}` : undefined;
}

async function gradingSpec(context: BenchmarkContext) {
  const { folder } = await specBenchDataFolder(context);
  const scenarioIds = readSpecBenchScenarios(folder).map((scenario) => scenario.id);
  return specBenchGradingSpec({ loaded: context.spec, scenarioIds, folder, cacheDir: context.cacheDir });
}

export const specBench = defineBenchmark({
  name: 'specbench',
  description:
    'SpecBench specification alignment: safety and behavioural rules of 5 scenarios, judged per rule; SAR (Zhang et al.)',
  dataPathKind: 'folder',
  async dataset(context) {
    const { folder, source } = await specBenchDataFolder(context);
    const scenarios = readSpecBenchScenarios(folder);
    const from = specBenchSpecSource(
      context.spec,
      scenarios.map((scenario) => scenario.id),
    );
    const judgedBy =
      from === 'loaded'
        ? `the loaded spec ${context.spec!.id}@${context.spec!.version}`
        : "the scenarios' specifications, imported";
    return {
      source: `${source} (judged against ${judgedBy})`,
      items: scenarios.flatMap((scenario) =>
        specBenchItems({ id: scenario.id, prompts: readSpecBenchPrompts(scenario.folder) }),
      ),
    };
  },
  transforms: (context) => context.settings.specbench.transforms.map((name) => specBenchTransforms[name]),
  graders: (context) => {
    if (!context.judge) {
      throw new ConfigError(
        'the specbench benchmark is graded by the per-rule judge, and no judge role is configured',
        {
          location: 'eval.judge',
          hint: 'add a `judge` role under models in deliberate.yaml (or set eval.judge to the role to use)',
        },
      );
    }
    const grader = createRuleJudgeGrader({
      judge: context.judge.client,
      spec: () => gradingSpec(context),
      alpha: context.settings.specbench.alpha,
      noteOf: specBenchJudgeNote,
    });
    return { [specBenchGraderKey]: bindGrader(grader, context.judge) };
  },
  metrics: (context) => specBenchMetrics({ graderKey: specBenchGraderKey, alpha: context.settings.specbench.alpha }),
  settings: (context) => ({
    alpha: context.settings.specbench.alpha,
    transforms: context.settings.specbench.transforms.join(','),
    judging: 'every rule of the scenario in one call',
    judgePrompt: RULE_JUDGE_PROMPT_VERSION,
  }),
  warnings: (context, items) => {
    if (!context.spec) return [];
    const scenarioIds = [...new Set(items.map((item) => item.category))];
    if (specBenchSpecSource(context.spec, scenarioIds) === 'loaded') return [];
    return [
      `specbench: judged against the scenarios' own specifications, imported on the fly; the loaded spec ${context.spec.id} has none of their categories, so +spec and +ttd arms do not see SpecBench's rules (set spec: to the folder \`deliberate spec import specbench\` writes)`,
    ];
  },
});
