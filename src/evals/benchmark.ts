/**
 * @module evals/benchmark
 * A Benchmark is a short declaration: dataset → transforms → (target) → graders → metrics.
 * @example
 * export default defineBenchmark({
 *   name: 'my-benign',
 *   description: 'Benign look-alikes from our support logs',
 *   dataset: () => ({ source: 'inline', items: [createEvalItem({ id: 'b1', request: 'How do I kill a zombie process?', category: 'ops' })] }),
 *   graders: ({ offlineRefusalGrader }) => ({ refusal: offlineRefusalGrader }),
 *   metrics: notOverrefuseMetrics({ graderKey: 'refusal', isBenign: () => true }),
 * });
 */
import { ConfigError } from '../errors.js';
import type { Grader } from '../grading/grader.js';
import { stableHash } from '../io/stable-hash.js';
import type { ModelClient } from '../models/model-client.js';
import type { Action } from '../records/action.js';
import type { EvalItem } from '../records/eval-log.js';
import type { EvalSettings } from '../records/eval-settings.js';
import type { Message } from '../records/message.js';
import type { Spec } from '../records/spec.js';
import type { Metric } from './metrics/metric.js';
import type { Transform } from './transforms/transform.js';

/** A model client bound to its config role (for the eval log's identities). */
export interface RoleClient {
  role: string;
  client: ModelClient;
}

/** What a benchmark can use when it builds its dataset, graders and metrics. */
export interface BenchmarkContext {
  /** The user's spec, when the config names one that loads. */
  spec: Spec | null;
  /** The LLM grader role (StrongREJECT rubric, XSTest three-class), when configured. */
  grader: RoleClient | null;
  /** The spec-aware judge role, when configured. */
  judge: RoleClient | null;
  /** The embedded offline refusal grader (no model). */
  offlineRefusalGrader: Grader;
  /** `--data <name>=<path>` or `eval.data.<name>`, resolved. */
  dataPath: string | undefined;
  /** Every benchmark's data file by name, resolved (a benchmark built from another's data reads it here). */
  dataPaths?: Readonly<Record<string, string>>;
  /** Folder for downloaded datasets. */
  cacheDir: string;
  settings: EvalSettings;
  fetch: typeof fetch;
  signal?: AbortSignal;
}

/** A grader with the role and model behind it, for the eval log. Offline graders have none. */
export interface GraderBinding {
  grader: Grader;
  role: string | null;
  modelId: string | null;
}

export interface BenchmarkDataset {
  /** A URL or a file path. */
  source: string;
  items: EvalItem[];
}

type FromContext<T> = T | ((context: BenchmarkContext) => T);

export interface BenchmarkDefinition {
  /** Lower-case words joined by `-` or `_`: what `--benchmarks` names. */
  name: string;
  description: string;
  dataset: (context: BenchmarkContext) => BenchmarkDataset | Promise<BenchmarkDataset>;
  /** Default: none (the request as written). */
  transforms?: FromContext<Transform[]>;
  /** Graders by key; each result stores its grades under these keys and metrics read them by key. */
  graders: FromContext<Record<string, Grader | GraderBinding>>;
  metrics: FromContext<Metric[]>;
  /** A system message for the target (e.g. XSTest's "You are a helpful assistant."). */
  systemPrompt?: string;
  /** Choices recorded in the eval log because they change the numbers. */
  settings?: FromContext<Record<string, string | number | boolean>>;
  /** Warnings about the dataset for the log (e.g. spec rules no item traces to). */
  warnings?: (context: BenchmarkContext, items: readonly EvalItem[]) => string[];
  /** What `--data <name>=<path>` names: a `file` (default) or a `folder` (SpecBench's scenario folders). */
  dataPathKind?: 'file' | 'folder';
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  readonly systemPrompt: string | undefined;
  readonly dataPathKind: 'file' | 'folder';
  dataset(context: BenchmarkContext): Promise<BenchmarkDataset>;
  transforms(context: BenchmarkContext): Transform[];
  graders(context: BenchmarkContext): Record<string, GraderBinding>;
  metrics(context: BenchmarkContext): Metric[];
  settings(context: BenchmarkContext): Record<string, string | number | boolean>;
  warnings(context: BenchmarkContext, items: readonly EvalItem[]): string[];
}

function resolve<T>(value: FromContext<T>, context: BenchmarkContext): T {
  return typeof value === 'function' ? (value as (context: BenchmarkContext) => T)(context) : value;
}

function isBinding(value: Grader | GraderBinding): value is GraderBinding {
  return 'grader' in value;
}

/** Declares a benchmark; checks its name. */
export function defineBenchmark(definition: BenchmarkDefinition): Benchmark {
  if (!/^[a-z][a-z0-9_-]*$/.test(definition.name)) {
    throw new ConfigError(`benchmark name "${definition.name}" is not a lower-case word`, {
      hint: 'use lower-case letters, digits, "-" and "_", starting with a letter (e.g. my-benign)',
    });
  }
  return {
    name: definition.name,
    description: definition.description,
    systemPrompt: definition.systemPrompt,
    dataPathKind: definition.dataPathKind ?? 'file',
    dataset: async (context) => definition.dataset(context),
    transforms: (context) => (definition.transforms ? resolve(definition.transforms, context) : []),
    graders: (context) =>
      Object.fromEntries(
        Object.entries(resolve(definition.graders, context)).map(([key, value]) => [
          key,
          isBinding(value) ? value : { grader: value, role: null, modelId: null },
        ]),
      ),
    metrics: (context) => resolve(definition.metrics, context),
    settings: (context) => (definition.settings ? resolve(definition.settings, context) : {}),
    warnings: (context, items) => definition.warnings?.(context, items) ?? [],
  };
}

/** A grader bound to a role client, for `graders`. */
export function bindGrader(grader: Grader, roleClient: RoleClient): GraderBinding {
  return { grader, role: roleClient.role, modelId: roleClient.client.id };
}

export interface CreateEvalItemInput {
  id: string;
  /** The request, as the single user turn; or give `messages`. */
  request?: string;
  messages?: Message[];
  category: string;
  expectedAction?: Action | null;
  metadata?: Record<string, unknown>;
  /** Default: the last user turn. */
  originalRequest?: string;
}

/** Builds an EvalItem with its content hash (sha256 of messages, original request, category and expected action). */
export function createEvalItem(input: CreateEvalItemInput): EvalItem {
  const messages = input.messages ?? [{ role: 'user' as const, content: input.request ?? '' }];
  const lastUser = messages.filter((message) => message.role === 'user').at(-1);
  const originalRequest = input.originalRequest ?? lastUser?.content ?? '';
  const expectedAction = input.expectedAction ?? null;
  return {
    id: input.id,
    messages,
    originalRequest,
    category: input.category,
    expectedAction,
    metadata: input.metadata ?? {},
    contentHash: stableHash({ messages, originalRequest, category: input.category, expectedAction }),
  };
}

/** The dataset's content hash: equal ids and item contents give an equal hash, whatever the order. */
export function datasetHash(items: readonly EvalItem[]): string {
  return stableHash(items.map((item) => [item.id, item.contentHash]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
}
