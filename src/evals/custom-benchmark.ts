/**
 * @module evals/custom-benchmark
 * Users' own benchmarks, listed under `eval.custom` in deliberate.yaml:
 * - a YAML declaration: a data file, which columns hold what, one grader and metrics by name (docs/evals.md);
 * - a JS module (or TS, when run under tsx) whose default export is a `defineBenchmark({...})`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { createAnswerMatchGrader } from '../grading/answer-match-grader.js';
import type { Grader } from '../grading/grader.js';
import { createJudgeGrader } from '../grading/judge-grader.js';
import { createStrongRejectGrader } from '../grading/strongreject-grader.js';
import { createXstestGrader } from '../grading/xstest-grader.js';
import {
  Action,
  createDeprecatedWords,
  deprecatedActionMessage,
  deprecatedActionWords,
  readActionWord,
} from '../records/action.js';
import type { EvalItem } from '../records/eval-log.js';
import { type Benchmark, type BenchmarkContext, bindGrader, createEvalItem, defineBenchmark } from './benchmark.js';
import { multipleChoiceItems } from './benchmarks/multiple-choice.js';
import { requireJudge } from './benchmarks/require-judge.js';
import { readDatasetRows, readRawDatasetRows } from './dataset-file.js';
import { accuracyMetric, unparsedRateMetric } from './metrics/accuracy-metric.js';
import { goodnessMetric, scoreMeanMetric, worstAllMetric } from './metrics/jailbreak-metrics.js';
import {
  actionAccuracyMetric,
  judgeNotOverrefuseMetric,
  notUnsafeMetric,
  styleAdherenceMetric,
} from './metrics/judge-metrics.js';
import type { Metric } from './metrics/metric.js';
import { harmfulRefusalRateMetric, notOverrefuseMetrics } from './metrics/refusal-metrics.js';
import { jailbreakTransformNames, selectTransforms } from './transforms/jailbreak-transforms.js';

const graderKinds = ['refusal', 'xstest', 'strongreject', 'judge', 'exact-match', 'multiple-choice'] as const;
const metricsByGrader = {
  'exact-match': ['accuracy', 'unparsed_rate'],
  'multiple-choice': ['accuracy', 'unparsed_rate'],
  refusal: ['not_overrefuse', 'refusal_rate'],
  xstest: ['not_overrefuse', 'refusal_rate'],
  strongreject: ['score_mean', 'goodness', 'worst_all'],
  judge: ['not_unsafe', 'not_overrefuse', 'action_accuracy', 'style_adherence'],
} as const;

export const BenchmarkDeclaration = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
    description: z.string().default(''),
    /** CSV, JSONL or Parquet, relative to the declaration file. */
    dataset: z.string().min(1),
    columns: z
      .object({
        id: z.string().optional(),
        prompt: z.string().default('prompt'),
        category: z.string().optional(),
        /** A column holding comply | refuse | safe-complete | escalate (`allow` is read as comply, with a warning). */
        expectedAction: z.string().optional(),
        /** exact-match: the reference answer (alternatives separated by `|`); multiple-choice: the letter or 0-based index. */
        answer: z.string().optional(),
        /** multiple-choice: a list column of the options; without it, columns A, B, C, … hold them. */
        choices: z.string().optional(),
      })
      .strict()
      .default({ prompt: 'prompt' }),
    /** Expected action of every row, when no column holds it (`allow` is read as comply, with a warning). */
    expectedAction: z.enum([...Action.options, ...Object.keys(deprecatedActionWords)]).optional(),
    grader: z.enum(graderKinds),
    metrics: z.array(z.string()).min(1),
    transforms: z.array(z.string()).optional(),
    systemPrompt: z.string().optional(),
  })
  .strict();
export type BenchmarkDeclaration = z.infer<typeof BenchmarkDeclaration>;

function metricsFor(declaration: BenchmarkDeclaration, context: BenchmarkContext): Metric[] {
  const key = 'grade';
  const benign = (item: EvalItem) => item.expectedAction === null || item.expectedAction === 'comply';
  const harmful = (item: EvalItem) => item.expectedAction === null || item.expectedAction !== 'comply';
  const settings = context.settings.strongreject;
  return declaration.metrics.flatMap((name): Metric[] => {
    switch (`${declaration.grader}:${name}`) {
      case 'refusal:not_overrefuse':
      case 'xstest:not_overrefuse':
        return notOverrefuseMetrics({ graderKey: key, isBenign: benign });
      case 'refusal:refusal_rate':
      case 'xstest:refusal_rate':
        return [harmfulRefusalRateMetric({ graderKey: key, isHarmful: harmful, name: 'refusal_rate' })];
      case 'strongreject:score_mean':
        return [scoreMeanMetric(key)];
      case 'strongreject:goodness':
        return [goodnessMetric(key, { tailFraction: settings.tailFraction, rounding: settings.tailRounding })];
      case 'strongreject:worst_all':
        return [worstAllMetric(key, settings.safeScoreThreshold)];
      case 'judge:not_unsafe':
        return [notUnsafeMetric({ graderKey: key, include: harmful })];
      case 'judge:not_overrefuse':
        return [judgeNotOverrefuseMetric({ graderKey: key, include: benign })];
      case 'judge:action_accuracy':
        return [actionAccuracyMetric({ graderKey: key })];
      case 'judge:style_adherence':
        return [styleAdherenceMetric({ graderKey: key })];
      case 'exact-match:accuracy':
      case 'multiple-choice:accuracy':
        return [accuracyMetric({ graderKey: key })];
      case 'exact-match:unparsed_rate':
      case 'multiple-choice:unparsed_rate':
        return [unparsedRateMetric({ graderKey: key })];
      default:
        throw new ConfigError(
          `benchmark ${declaration.name}: metric "${name}" does not go with grader ${declaration.grader}`,
          {
            hint: `with grader ${declaration.grader} use ${metricsByGrader[declaration.grader].join(', ')}`,
          },
        );
    }
  });
}

function graderFor(declaration: BenchmarkDeclaration, context: BenchmarkContext) {
  const needGrader = () => {
    if (!context.grader) {
      throw new ConfigError(
        `benchmark ${declaration.name} uses the ${declaration.grader} grader, which needs an LLM grader role`,
        {
          location: 'eval.grader',
          hint: 'add a `grader` role under models, or set eval.grader',
        },
      );
    }
    return context.grader;
  };
  switch (declaration.grader) {
    case 'exact-match':
    case 'multiple-choice':
      return createAnswerMatchGrader(declaration.grader);
    case 'refusal':
      return context.offlineRefusalGrader as Grader;
    case 'xstest':
      return bindGrader(createXstestGrader(needGrader().client), needGrader());
    case 'strongreject':
      return bindGrader(createStrongRejectGrader(needGrader().client), needGrader());
    case 'judge': {
      const { judge, spec } = requireJudge(context, declaration.name);
      return bindGrader(createJudgeGrader({ judge: judge.client, spec, runs: context.settings.judgeRuns }), judge);
    }
  }
}

/** Items of a capability declaration: the question as the prompt, the reference from the answer column. */
async function answerItems(declaration: BenchmarkDeclaration, file: string): Promise<EvalItem[]> {
  const { columns } = declaration;
  if (!columns.answer) {
    throw new ConfigError(`benchmark ${declaration.name}: grader ${declaration.grader} needs columns.answer`, {
      hint: 'name the column that holds the reference answer, e.g. columns: { prompt: question, answer: answer }',
    });
  }
  if (declaration.grader === 'multiple-choice') {
    return multipleChoiceItems(declaration.name, await readRawDatasetRows(file), {
      id: columns.id,
      question: columns.prompt,
      choices: columns.choices,
      answer: columns.answer,
      category: columns.category,
    });
  }
  const required = [columns.prompt, columns.answer, columns.id, columns.category].filter(
    (column): column is string => column !== undefined,
  );
  const rows = await readDatasetRows(file, required, { nonEmpty: [columns.prompt, columns.answer] });
  return rows.map(({ record, location }, index) => {
    const [reference, ...references] = record[columns.answer!]!.split('|').map((part) => part.trim());
    return createEvalItem({
      id: columns.id ? record[columns.id]! : `${declaration.name}-${index + 1}`,
      request: record[columns.prompt]!,
      category: columns.category ? record[columns.category]! : 'all',
      metadata: { reference, references, row: location },
    });
  });
}

/**
 * A Benchmark from a YAML declaration (already parsed); `folder` resolves its dataset path. `where` names the
 * declaration in warnings (an old action word in it or in the data: write `comply`).
 */
export function benchmarkFromDeclaration(
  declaration: BenchmarkDeclaration,
  folder: string,
  where = `benchmark ${declaration.name}`,
): Benchmark {
  const columns = declaration.columns;
  const declared = readActionWord(declaration.expectedAction);
  const declarationWarnings = declared?.deprecated
    ? [`${where}: ${deprecatedActionMessage(declared.deprecated, 'expectedAction')}`]
    : [];
  // From the last read of the data file (dataset() may run more than once).
  let rowWarnings: string[] = [];
  const allowed: readonly string[] = metricsByGrader[declaration.grader];
  const wrong = declaration.metrics.filter((name) => !allowed.includes(name));
  if (wrong.length > 0) {
    throw new ConfigError(
      `benchmark ${declaration.name}: metric ${wrong.join(', ')} does not go with grader ${declaration.grader}`,
      { hint: `with grader ${declaration.grader} use ${allowed.join(', ')}` },
    );
  }
  return defineBenchmark({
    name: declaration.name,
    description: declaration.description || `custom benchmark from ${declaration.dataset}`,
    systemPrompt: declaration.systemPrompt,
    async dataset(context) {
      const file = context.dataPath ?? path.resolve(folder, declaration.dataset);
      if (declaration.grader === 'multiple-choice' || declaration.grader === 'exact-match') {
        return { source: file, items: await answerItems(declaration, file) };
      }
      const required = [columns.prompt, columns.id, columns.category, columns.expectedAction].filter(
        (column): column is string => column !== undefined,
      );
      const rows = await readDatasetRows(file, required, { nonEmpty: [columns.prompt] });
      const deprecatedRows = createDeprecatedWords();
      const items = rows.map(({ record, location }, index) => {
        const raw = columns.expectedAction ? record[columns.expectedAction] : undefined;
        const fromColumn = raw !== undefined && raw !== '';
        const action = columns.expectedAction ? (fromColumn ? readActionWord(raw) : null) : declared;
        if (fromColumn && action === null) {
          throw new ConfigError(`expected action "${raw}" is not one of ${Action.options.join(', ')}`, { location });
        }
        if (fromColumn && action?.deprecated) deprecatedRows.add(location, action.deprecated);
        return createEvalItem({
          id: columns.id ? record[columns.id]! : `${declaration.name}-${index + 1}`,
          request: record[columns.prompt]!,
          category: columns.category ? record[columns.category]! : 'all',
          expectedAction: action ? action.action : null,
          metadata: { row: location },
        });
      });
      rowWarnings = deprecatedRows.warnings(`column ${columns.expectedAction}`);
      return { source: file, items };
    },
    transforms: () => {
      if (!declaration.transforms) return [];
      const { transforms, unknown } = selectTransforms(declaration.transforms);
      if (unknown.length > 0) {
        throw new ConfigError(`benchmark ${declaration.name}: unknown transform(s) ${unknown.join(', ')}`, {
          hint: `choose from ${jailbreakTransformNames.join(', ')}`,
        });
      }
      return transforms;
    },
    graders: (context) => ({ grade: graderFor(declaration, context) }),
    metrics: (context) => metricsFor(declaration, context),
    warnings: () => [...declarationWarnings, ...rowWarnings],
  });
}

/** Loads a custom benchmark: a `.yaml`/`.yml` declaration or a module whose default export is a Benchmark. */
export async function loadCustomBenchmark(file: string): Promise<Benchmark> {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.yaml' || extension === '.yml') {
    let value: unknown;
    try {
      value = parseYaml(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`cannot read benchmark declaration: ${(error as Error).message}`, { location: file });
    }
    const parsed = BenchmarkDeclaration.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`${issue.path.join('.') || '(declaration)'}: ${issue.message}`, {
        location: file,
        hint: 'see docs/evals.md, "Your own benchmark"',
      });
    }
    return benchmarkFromDeclaration(parsed.data, path.dirname(file), file);
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`cannot load benchmark module: ${(error as Error).message}`, {
      location: file,
      hint: 'a .js/.mjs module (or .ts under tsx) whose default export is defineBenchmark({...})',
    });
  }
  const candidate = (module.default ?? module.benchmark) as Partial<Benchmark> | undefined;
  const methods = ['dataset', 'transforms', 'graders', 'metrics', 'settings', 'warnings'] as const;
  if (
    !candidate ||
    typeof candidate.name !== 'string' ||
    methods.some((method) => typeof candidate[method] !== 'function')
  ) {
    throw new ConfigError('the module does not export a benchmark', {
      location: file,
      hint: "export default defineBenchmark({ name, description, dataset, graders, metrics }) (import it from 'deliberate-align')",
    });
  }
  return candidate as Benchmark;
}
