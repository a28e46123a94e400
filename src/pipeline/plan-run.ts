/**
 * @module pipeline/plan-run
 * "Before paying again": what a run will send before its first request. Compares the spec, template and settings
 * with the folder's previous manifest (which categories and settings changed), counts the stale generation and judge
 * units (those not in the run store), and estimates requests, tokens and cost per role. `run` prints it when
 * something changed; `--dry-run` prints it and sends nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { RunStore } from '../io/run-store.js';
import { stableHash } from '../io/stable-hash.js';
import { estimateCost } from '../models/estimate-cost.js';
import type { ModelClient } from '../models/model-client.js';
import type { Spec } from '../records/spec.js';
import { renderSpecForPrompt } from '../spec/render-spec.js';
import { charactersPerToken } from './check-prompt-fit.js';
import { type GenerationUnit, storedGenerationStatuses } from './generate-samples.js';
import type { GenerationTemplate } from './generation-template.js';
import { isFinal, type JudgeSamplesOptions, judgeStage, judgeUnitKey, validateGenerations } from './judge-samples.js';
import type { PipelineSections } from './pipeline-sections.js';
import { createRunEvents } from './run-events.js';

export interface RunPlan {
  previousSpecHash: string | null;
  specHash: string;
  /** Categories whose text changed since the previous run (added and removed ones included). */
  changedCategories: string[];
  /** Settings sections (and the template) that changed since the previous run. */
  changedSettings: string[];
  generation: { units: number; stale: number };
  /** Judge units to send: for stored completions without a final verdict, plus one per stale generation unit. */
  judge: { stale: number } | null;
  /** Per role: requests, estimated tokens (output at its maxTokens: an upper bound) and cost (null without a price). */
  roles: Record<string, { requests: number; inputTokens: number; outputTokens: number; cost: number | null }>;
}

/** Hashes of each category's content, for the manifest and the next run's comparison. */
export function categoryHashes(spec: Spec): Record<string, string> {
  return Object.fromEntries(spec.categories.map((category) => [category.id, stableHash(category).slice(0, 16)]));
}

interface PreviousManifest {
  spec?: { hash?: string; categoryHashes?: Record<string, string> };
  template?: { hash?: string };
  settings?: Record<string, unknown>;
}

function readPrevious(file: string): PreviousManifest | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PreviousManifest;
  } catch {
    return null;
  }
}

export interface PlanRunOptions {
  config: PipelineSections;
  spec: Spec;
  template: GenerationTemplate;
  units: GenerationUnit[];
  store: RunStore;
  manifestFile: string;
  judge?: { client: ModelClient; options: Pick<JudgeSamplesOptions, 'settings' | 'template' | 'threshold'> };
}

/** The plan of the work this run would send. */
export function planRun(options: PlanRunOptions): RunPlan {
  const { config, spec, units, store } = options;
  const previous = readPrevious(options.manifestFile);
  const statuses = storedGenerationStatuses(store, units);
  const staleUnits = units.filter((unit) => !statuses.has(unit.key));
  let judgeStale: number | null = null;
  if (options.judge) {
    const validated = validateGenerations({
      units,
      statuses,
      store,
      spec,
      settings: config.validate,
      events: createRunEvents(),
    });
    const { client, options: judgeOptions } = options.judge;
    const missing = validated.filter((entry) => {
      if (entry.findings.length > 0) return false;
      const key = judgeUnitKey(
        entry.completion,
        client,
        judgeOptions.settings,
        spec,
        entry.prompt,
        judgeOptions.template,
      );
      const stored = store.get<{ earlyExit: boolean; score: number | null }>(judgeStage, key);
      return !stored || !isFinal(stored as never, judgeOptions.threshold);
    }).length;
    judgeStale = missing + staleUnits.length;
  }
  const specChars = new Map<string, number>();
  const promptChars = (unit: GenerationUnit) => {
    const key = unit.prompt.categories.join('\u0000');
    let length = specChars.get(key);
    if (length === undefined) {
      length = renderSpecForPrompt(spec, unit.prompt).length;
      specChars.set(key, length);
    }
    return length + unit.prompt.messages.reduce((sum, message) => sum + message.content.length, 0);
  };
  const teacherInput = staleUnits.reduce(
    (sum, unit) => sum + Math.ceil((promptChars(unit) + options.template.body.length) / charactersPerToken),
    0,
  );
  const average = staleUnits.length > 0 ? teacherInput / staleUnits.length : 0;
  const roles: RunPlan['roles'] = {};
  const add = (role: string, requests: number, inputTokens: number, outputTokens: number) => {
    const price = config.models[role]?.price;
    const cost = price
      ? estimateCost(
          { promptTokens: inputTokens, completionTokens: outputTokens, reasoningTokens: 0, cachedTokens: 0 },
          price,
        )
      : null;
    roles[role] = { requests, inputTokens, outputTokens, cost: cost === null ? null : Math.round(cost * 1e6) / 1e6 };
  };
  add('teacher', staleUnits.length, teacherInput, staleUnits.length * config.generate.maxTokens);
  if (judgeStale !== null) {
    const requests = judgeStale * config.judge.runs;
    add(
      'judge',
      requests,
      Math.round(requests * (average + config.generate.maxTokens)),
      requests * config.judge.maxTokens,
    );
  }
  const now = categoryHashes(spec);
  const before = previous?.spec?.categoryHashes ?? {};
  const changedCategories = previous?.spec?.categoryHashes
    ? [...new Set([...Object.keys(now), ...Object.keys(before)])].filter((id) => now[id] !== before[id]).sort()
    : [];
  const changedSettings = ['generate', 'validate', 'judge', 'select', 'export'].filter(
    (section) =>
      previous?.settings?.[section] !== undefined &&
      stableHash(previous.settings[section]) !== stableHash((config as Record<string, unknown>)[section]),
  );
  if (previous?.template?.hash && previous.template.hash !== options.template.hash) changedSettings.unshift('template');
  return {
    previousSpecHash: previous?.spec?.hash ?? null,
    specHash: spec.hash,
    changedCategories,
    changedSettings,
    generation: { units: units.length, stale: staleUnits.length },
    judge: judgeStale === null ? null : { stale: judgeStale },
    roles,
  };
}

/** True when the spec, template or settings differ from the folder's previous run. */
export function planHasChanges(plan: RunPlan): boolean {
  return (plan.previousSpecHash !== null && plan.previousSpecHash !== plan.specHash) || plan.changedSettings.length > 0;
}

/** The lines `run` prints before its first request (and `--dry-run` prints alone). */
export function formatRunPlan(plan: RunPlan): string {
  const lines: string[] = [];
  if (plan.previousSpecHash !== null && plan.previousSpecHash !== plan.specHash) {
    const categories = plan.changedCategories.length > 0 ? ` (categories: ${plan.changedCategories.join(', ')})` : '';
    lines.push(
      `spec changed: ${plan.previousSpecHash.slice(0, 12)} → ${plan.specHash.slice(0, 12)}${categories}: ${plan.generation.stale} of ${plan.generation.units} generation units and ${plan.judge?.stale ?? 0} judge units are stale`,
    );
  }
  if (plan.changedSettings.length > 0) lines.push(`settings changed: ${plan.changedSettings.join(', ')}`);
  for (const [role, entry] of Object.entries(plan.roles)) {
    const cost = entry.cost === null ? '' : `, est. cost up to ${entry.cost}`;
    lines.push(
      `plan ${role}: ${entry.requests} requests, about ${entry.inputTokens} tokens in, up to ${entry.outputTokens} out${cost}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
