/**
 * @module evals/plan-cases
 * The cases of one benchmark (arm × item × transform), each with the messages the arm is sent and its journal key,
 * and the roles that still have work (cases not in the journal of an earlier run).
 */
import type { EvalItem } from '../records/eval-log.js';
import type { EvalSettings } from '../records/eval-settings.js';
import type { Message } from '../records/message.js';
import type { Spec } from '../records/spec.js';
import { specInContextMessages } from '../spec/spec-in-context.js';
import { type CaseDeliberation, deliberationSpecText } from './call-target.js';
import { evalCaseKey, type readEvalJournal } from './eval-journal.js';
import type { PreparedBenchmark } from './prepare-benchmarks.js';
import type { EvalTarget } from './run-eval.js';
import { sampleItems } from './sample-items.js';
import { applyTransform, type Transform } from './transforms/transform.js';

export interface PlannedCase {
  target: EvalTarget;
  item: EvalItem;
  transform: Transform;
  /** The item's messages after the transform (what the graders see). */
  transformed: Message[];
  /** What the arm is sent: the transformed messages after the arm's and the benchmark's system parts. */
  messages: Message[];
  key: string;
  /** A `+ttd` arm: the conversation without the spec, and spec(category) (evals/call-target.ts). */
  deliberation?: CaseDeliberation;
}

export interface CasePlan {
  items: EvalItem[];
  cases: PlannedCase[];
  pendingRoles: string[];
}

export interface PlanCasesOptions {
  targets: readonly EvalTarget[];
  limit: number | undefined;
  settings: EvalSettings;
  spec: Spec | null;
  /** The `+spec` arms' system message (eval-spec-summary.ts). */
  specSummary: string | null;
  journal: ReturnType<typeof readEvalJournal>;
}

/** The cases of one benchmark with their journal keys, and the roles with work left. */
export function planCases(prepared: PreparedBenchmark, options: PlanCasesOptions): CasePlan {
  const { graders } = prepared;
  const items = sampleItems(prepared.dataset.items, options.limit, options.settings.bootstrap.seed);
  const cases = options.targets.flatMap((target) =>
    items.flatMap((item) =>
      prepared.transforms.map((transform) => planCase(prepared, options, target, item, transform)),
    ),
  );
  const pending = cases.filter((entry) => !options.journal.has(entry.key));
  const pendingRoles =
    pending.length === 0
      ? []
      : [
          ...new Set(pending.map((entry) => entry.target.role)),
          ...Object.values(graders).flatMap((binding) => (binding.role === null ? [] : [binding.role])),
        ];
  return { items, cases, pendingRoles };
}

function planCase(
  { benchmark, graders }: PreparedBenchmark,
  options: PlanCasesOptions,
  target: EvalTarget,
  item: EvalItem,
  transform: Transform,
): PlannedCase {
  const transformed = applyTransform(item.messages, transform, {
    itemId: item.id,
    seed: options.settings.strongreject.seed,
    metadata: item.metadata,
  });
  const benchmarkParts = benchmark.systemPrompt ? [benchmark.systemPrompt] : [];
  // A +ttd arm drafts with spec(category) in front of the same conversation (the key covers it).
  const deliberation =
    target.deliberation && options.spec
      ? {
          passes: target.deliberation.passes,
          conversation: specInContextMessages(transformed, benchmarkParts),
          specText: deliberationSpecText(options.spec, item.category),
        }
      : undefined;
  const specParts = deliberation
    ? [deliberation.specText]
    : target.specInContext && options.specSummary
      ? [options.specSummary]
      : [];
  const messages = specInContextMessages(transformed, [...specParts, ...benchmarkParts]);
  const key = evalCaseKey({
    benchmark: benchmark.name,
    arm: target.name,
    itemId: item.id,
    contentHash: item.contentHash,
    transform: transform.name,
    graderIds: Object.entries(graders).map(([key, binding]) => `${key}:${binding.grader.id}:${binding.modelId}`),
    messages,
    requestOptions:
      target.requestOptions && Object.keys(target.requestOptions).length > 0 ? target.requestOptions : undefined,
  });
  return { target, item, transform, transformed, messages, key, ...(deliberation ? { deliberation } : {}) };
}
