/**
 * @module pipeline/run-manifest
 * manifest.json: what a run was made from and what it made. Spec hash and version, model ids and parameters,
 * template id and hash, counts per stage and per reason code, teacher refusals per category, accept rates, token
 * usage with a cost estimate, stage times and the output files.
 */
import path from 'node:path';
import type { RunStore } from '../io/run-store.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import { estimateCost } from '../models/estimate-cost.js';
import type { ModelClient } from '../models/model-client.js';
import type { RoleCallLedger } from '../models/role-call-ledger.js';
import type { Config } from '../records/config.js';
import { PACKAGE_NAME } from '../records/package-name.js';
import type { Prompt } from '../records/prompt.js';
import type { Spec } from '../records/spec.js';
import { addUsage, emptyUsage, type Usage } from '../records/usage.js';
import type { ExportSummary } from './export-summary.js';
import type { GenerationStatus, GenerationUnit } from './generate-samples.js';
import type { GenerationTemplate } from './generation-template.js';
import { type JudgeResult, readValidatedCompletion, type ValidatedCompletion } from './judge-samples.js';
import type { PipelineSections } from './pipeline-sections.js';
import { categoryHashes } from './plan-run.js';
import type { IntakeReport } from './prepare-prompts.js';
import type { QualityReport } from './quality-gates.js';
import { countHintAgreement, emptyHintAgreement, type HintAgreement } from './quality-measures.js';
import type { RunEvents } from './run-events.js';
import type { Selection } from './select-samples.js';

export interface RunManifest {
  schemaVersion: 1;
  tool: { name: typeof PACKAGE_NAME; version: string };
  config: string | null;
  startedAt: string;
  finishedAt: string;
  /** The last stage this invocation ran (`export` for `deliberate run`). */
  until: string;
  stageSeconds: Record<string, number>;
  /** `categoryHashes`: each category's content hash, so the next run can say which categories changed. */
  spec: { id: string; version: string; hash: string; title: string; categoryHashes: Record<string, string> };
  template: { id: string; hash: string; file: string; specPlacement: string };
  models: Record<string, { id: string; settings: Record<string, unknown> }>;
  settings: Pick<Config, 'intake' | 'generate' | 'validate' | 'judge' | 'select' | 'export' | 'quality'>;
  counts: {
    prompts: {
      /** The prompts file this run read (the config's, or --prompts). */
      file: string;
      rows: number;
      invalid: number;
      removed: Record<string, number>;
      kept: number;
      summaryOnly: number;
    };
    generations: { units: number; completions: number; failures: Record<string, number> };
    validation: { checked: number; passed: number; rejected: Record<string, number> };
    judge: {
      judged: number;
      scored: number;
      unscored: Record<string, number>;
      belowThreshold: number;
      earlyExits: number;
      runs: number;
    };
    select: { accepted: number; rejected: number; rejectedByReason: Record<string, number> };
    summary: { prompts: number; generations: number; accepted: number; rejected: number; errors: number };
  };
  /** `failed` when a role's failures exceed the allowance (`problems` says why); the outputs are still written. */
  status: 'complete' | 'failed';
  problems: string[];
  /** This invocation's calls per role: outcomes by kind and the first provider message (keys redacted). */
  roleCalls: Record<string, RoleCallLedger>;
  /** Every typed event of this run, by kind (see pipeline/run-events.ts), and per category. */
  events: Record<string, number>;
  eventsByCategory: Record<string, Record<string, number>>;
  /** Teacher refusals (provider refusals + refusal answers to comply prompts), per category. */
  teacherRefusalsByCategory: Record<string, number>;
  acceptRates: Selection['acceptRates'] | null;
  /** Every judged completion's answer against its idealAction hint, per category and per labelSource: `checked` by
   * deliberate's refusal detector (comply: no refusal; refuse: a refusal; others unchecked), `judge` as the judge
   * claimed. Where they differ, the judge's claim is not to be trusted. */
  hintAgreement: {
    byCategory: Record<string, HintAgreement>;
    byLabelSource: Record<string, HintAgreement>;
  };
  /** The data-quality gates on the accepted samples (null before the select stage). */
  quality: QualityReport | null;
  /** Tokens of every stored result (what the dataset cost), and this invocation's requests (cache hits excluded). */
  usage: {
    dataset: Record<string, { usage: Usage; cost: number | null }>;
    thisRun: Record<
      string,
      { requests: number; cacheHits: number; retries: number; usage: Usage; cost: number | null }
    >;
  };
  outputs: {
    sft: string | null;
    sftMeta: string | null;
    rl: string | null;
    manifest: string;
    intakeReport: string;
    samples: string | null;
    judgements: string | null;
    store: string;
  };
  exports: { sft: ExportSummary; rl: ExportSummary } | null;
}

/** A role's settings as written (API keys are never in the config: only the name of their environment variable). */
function publicSettings(settings: object): Record<string, unknown> {
  return { ...settings };
}

function tally(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export interface BuildManifestOptions {
  config: PipelineSections;
  spec: Spec;
  template: GenerationTemplate;
  clients: Record<string, ModelClient | undefined>;
  intake: IntakeReport;
  prompts: Prompt[];
  units: GenerationUnit[];
  /** Every stored generation unit's status by unit key. */
  statuses: ReadonlyMap<string, GenerationStatus>;
  /** The run store the validated completions' texts are read back from (the hint agreement reads the answers). */
  store?: RunStore;
  validated: ValidatedCompletion[];
  judged: ReadonlyMap<string, JudgeResult>;
  selection: Selection | undefined;
  exports: { sft: ExportSummary; rl: ExportSummary } | undefined;
  quality?: QualityReport;
  events: RunEvents;
  counts: RunManifest['counts']['summary'];
  roleCalls?: Record<string, RoleCallLedger>;
  problems?: string[];
  until: string;
  startedAt: Date;
  stageSeconds: Record<string, number>;
  toolVersion?: string;
  configFile?: string;
  outDirectory: string;
  manifestFile: string;
  storeFile: string;
}

/** The events whose kind starts with `prefix`, keyed by the rest of the kind (`generate:no-answer` → `no-answer`). */
function eventsWithPrefix(
  totals: Record<string, number>,
  prefix: string,
  except: readonly string[] = [],
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(totals)
      .filter(([kind]) => kind.startsWith(prefix) && !except.includes(kind))
      .map(([kind, amount]) => [kind.slice(prefix.length), amount]),
  );
}

/** Each judged completion with a hint: its answer checked against the hint, beside the judge's claim. */
function measureHintAgreement(
  validated: ValidatedCompletion[],
  judged: ReadonlyMap<string, JudgeResult>,
  store: RunStore | undefined,
): RunManifest['hintAgreement'] {
  const result: RunManifest['hintAgreement'] = { byCategory: {}, byLabelSource: {} };
  for (const entry of validated) {
    const judge = judged.get(entry.completion.id);
    const idealAction = entry.prompt.metadata.idealAction;
    if (!judge || idealAction === undefined) continue;
    const completion = readValidatedCompletion(entry, store);
    const sample = {
      answer: completion.answer,
      reasoning: completion.reasoning ?? '',
      categories: entry.prompt.categories,
      idealAction,
      judgeAction: judge.action,
      judgeAgreeWithHint: judge.agreeWithHint,
    };
    const keys = [
      ...(entry.prompt.categories.length > 0 ? entry.prompt.categories : ['(none)']).map((key) => ({
        table: result.byCategory,
        key,
      })),
      { table: result.byLabelSource, key: String(entry.prompt.metadata.labelSource ?? '(none)') },
    ];
    for (const { table, key } of keys) {
      table[key] ??= emptyHintAgreement();
      countHintAgreement(table[key], sample);
    }
  }
  return result;
}

/** Builds the manifest of a run from its stage results. */
export function buildManifest(options: BuildManifestOptions): RunManifest {
  const { config, events } = options;
  const statuses = options.units.map((unit) => options.statuses.get(unit.key)).filter((status) => status !== undefined);
  const judgedRecords = options.validated
    .map((entry) => options.judged.get(entry.completion.id))
    .filter((record) => record !== undefined);
  const priceOf = (role: string) => config.models[role]?.price;
  const costOf = (role: string, usage: Usage) => {
    const price = priceOf(role);
    return price ? Math.round(estimateCost(usage, price) * 1e6) / 1e6 : null;
  };
  const teacherUsage = statuses.reduce((sum, status) => addUsage(sum, status.usage ?? emptyUsage), emptyUsage);
  const judgeUsage = judgedRecords.reduce((sum, record) => addUsage(sum, record.usage), emptyUsage);
  const thisRun: RunManifest['usage']['thisRun'] = {};
  for (const [role, client] of Object.entries(options.clients)) {
    const stats = client?.stats?.();
    if (!stats) continue;
    thisRun[role] = {
      requests: stats.requests,
      cacheHits: stats.cacheHits,
      retries: stats.retries,
      usage: stats.usage,
      cost: stats.cost,
    };
  }
  const byCategory = events.byCategory();
  const totals = events.totals();
  const refusals: Record<string, number> = {};
  for (const kind of ['generate:provider-refusal', 'generate:refused-comply-prompt']) {
    for (const [category, amount] of Object.entries(byCategory[kind] ?? {})) {
      refusals[category] = (refusals[category] ?? 0) + amount;
    }
  }
  const hintAgreement = measureHintAgreement(options.validated, options.judged, options.store);
  const outputs = options.exports;
  return {
    schemaVersion: 1,
    tool: { name: PACKAGE_NAME, version: options.toolVersion ?? '0.0.0' },
    config: options.configFile ?? null,
    startedAt: options.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    until: options.until,
    stageSeconds: options.stageSeconds,
    spec: {
      id: options.spec.id,
      version: options.spec.version,
      hash: options.spec.hash,
      title: options.spec.title,
      categoryHashes: categoryHashes(options.spec),
    },
    template: {
      id: options.template.id,
      hash: options.template.hash,
      file: options.template.file,
      specPlacement: config.generate.specPlacement,
    },
    models: Object.fromEntries(
      Object.entries(config.models).map(([role, settings]) => [
        role,
        { id: options.clients[role]?.id ?? role, settings: publicSettings(settings) },
      ]),
    ),
    settings: {
      intake: config.intake,
      generate: config.generate,
      validate: config.validate,
      judge: config.judge,
      select: config.select,
      export: config.export,
      quality: config.quality,
    },
    counts: {
      prompts: {
        file: options.intake.file,
        rows: options.intake.rows,
        invalid: options.intake.invalid.length,
        // Every row is invalid, removed or kept: prompts dropped after intake (unknown categories with
        // --skip-invalid, deferred by an unreachable classifier) are removals too, or the numbers do not add up.
        removed: tally([
          ...options.intake.removed.map((removal) => removal.reason),
          ...Array<string>(events.total('intake:unknown-category')).fill('unknown-category'),
          ...Array<string>(events.total('intake:too-long')).fill('too-long'),
          ...Array<string>(events.total('categorise:deferred')).fill('deferred'),
        ]),
        kept: options.prompts.length,
        summaryOnly: events.total('categorise:summary-only'),
      },
      generations: {
        units: options.units.length,
        completions: options.validated.length,
        // From the counted events (stored failures and this run's transport failures alike), never a second tally.
        failures: eventsWithPrefix(totals, 'generate:', ['generate:refused-comply-prompt']),
      },
      validation: {
        checked: options.validated.length,
        passed: options.validated.filter((entry) => entry.findings.length === 0).length,
        rejected: tally(options.validated.flatMap((entry) => (entry.findings[0] ? [entry.findings[0].code] : []))),
      },
      judge: {
        // A judge error of this run is not stored (the next run judges again) but it was judged and counted.
        judged: judgedRecords.length + events.total('judge:unscored:judge-error'),
        scored: judgedRecords.filter((record) => record.score !== null).length,
        unscored: eventsWithPrefix(totals, 'judge:unscored:'),
        belowThreshold: judgedRecords.filter(
          (record) => record.score !== null && record.score < config.select.threshold,
        ).length,
        earlyExits: judgedRecords.filter((record) => record.earlyExit && record.verdict !== 'unscored').length,
        runs: judgedRecords.reduce((sum, record) => sum + record.runsMade, 0),
      },
      select: {
        accepted: options.selection?.examples.length ?? 0,
        rejected: options.selection?.rejections.size ?? 0,
        rejectedByReason: tally(options.selection?.rejections.values() ?? []),
      },
      summary: options.counts,
    },
    status: (options.problems ?? []).length > 0 ? 'failed' : 'complete',
    problems: options.problems ?? [],
    roleCalls: options.roleCalls ?? {},
    events: totals,
    eventsByCategory: byCategory,
    teacherRefusalsByCategory: Object.fromEntries(Object.entries(refusals).sort(([a], [b]) => a.localeCompare(b))),
    acceptRates: options.selection?.acceptRates ?? null,
    hintAgreement,
    quality: options.quality ?? null,
    usage: {
      dataset: {
        teacher: { usage: teacherUsage, cost: costOf('teacher', teacherUsage) },
        judge: { usage: judgeUsage, cost: costOf('judge', judgeUsage) },
      },
      thisRun,
    },
    outputs: {
      sft: outputs?.sft.outFile ?? null,
      sftMeta: outputs?.sft.metaFile ?? null,
      rl: outputs?.rl.outFile ?? null,
      manifest: options.manifestFile,
      intakeReport: path.join(options.outDirectory, 'intake-report.json'),
      samples: options.selection ? path.join(options.outDirectory, 'samples.jsonl') : null,
      judgements: options.selection ? path.join(options.outDirectory, 'judgements.jsonl') : null,
      store: options.storeFile,
    },
    exports: outputs ?? null,
  };
}

/** Writes the manifest atomically (pretty JSON). */
export function writeManifest(file: string, manifest: RunManifest): void {
  writeFileAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`);
}
