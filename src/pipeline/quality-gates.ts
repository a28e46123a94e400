/**
 * @module pipeline/quality-gates
 * The data-quality gates checked before export, on deliberate's own measures of the accepted samples
 * (pipeline/quality-measures.ts). Each gate has a threshold in the config's `quality:` section; a tripped gate says
 * its numbers and the fix, and stops the export unless the user accepts the warnings.
 */
import type { QualitySettings } from '../records/pipeline-settings.js';
import type { QualityMeasures } from './quality-measures.js';

export type QualityGateId =
  | 'hint-agreement'
  | 'answer-diversity'
  | 'identical-answers'
  | 'comply-refusal-rate'
  | 'reasoning-length'
  | 'uncited-rules';

export interface QualityGate {
  gate: QualityGateId;
  /** `all` or a category id. */
  scope: string;
  /** passed / tripped; `too-few-samples` below quality.minSamples; `off` when its threshold is null. */
  status: 'passed' | 'tripped' | 'too-few-samples' | 'off';
  value: number | null;
  threshold: number | null;
  samples: number;
  /** The numbers, in words. */
  detail: string;
  /** How to fix it (set on every gate, shown when it trips). */
  fix: string;
}

export interface QualityReport {
  gates: QualityGate[];
  tripped: number;
  /** The run went on to export although gates tripped (--accept-quality-warnings). */
  accepted: boolean;
  measures: QualityMeasures;
}

const settingKeys: Record<QualityGateId, keyof QualitySettings> = {
  'hint-agreement': 'minHintAgreement',
  'answer-diversity': 'minDistinctAnswerShare',
  'identical-answers': 'maxIdenticalAnswerShare',
  'comply-refusal-rate': 'maxComplyRefusalRate',
  'reasoning-length': 'minMedianReasoningChars',
  'uncited-rules': 'maxUncitedRuleShare',
};

interface GateInput {
  gate: QualityGateId;
  scope: string;
  value: number | null;
  samples: number;
  /** true: the value must be at least the threshold; false: at most. */
  atLeast: boolean;
  detail: string;
  fix: string;
}

function percent(value: number): string {
  return `${Math.round(value * 1000) / 10}%`;
}

function gate(input: GateInput, settings: QualitySettings): QualityGate {
  const threshold = settings[settingKeys[input.gate]] as number | null;
  const { atLeast, ...rest } = input;
  const base = { ...rest, threshold };
  if (threshold === null) return { ...base, status: 'off' };
  if (input.value === null || input.samples < settings.minSamples) return { ...base, status: 'too-few-samples' };
  const passes = atLeast ? input.value >= threshold : input.value <= threshold;
  return { ...base, status: passes ? 'passed' : 'tripped' };
}

function categoryGates(measures: QualityMeasures, settings: QualitySettings): QualityGate[] {
  return Object.entries(measures.byCategory).flatMap(([category, row]) => {
    const { agree, disagree } = row.hintAgreement.checked;
    const checked = agree + disagree;
    const hint = gate(
      {
        gate: 'hint-agreement',
        scope: category,
        value: checked === 0 ? null : agree / checked,
        samples: checked,
        atLeast: true,
        detail: `${agree} of ${checked} hinted answers agree with their idealAction by deliberate's refusal check (the judge claimed ${row.hintAgreement.judge.agree} agree, ${row.hintAgreement.judge.disagree} disagree); answers: ${row.answers.refusal} refusals, ${row.answers.other} other`,
        fix: `read the ${category} rows of samples.jsonl: fix wrong idealAction hints in the prompts file, or the ${category} rules the teacher follows, or use a teacher that follows them`,
      },
      settings,
    );
    const rules = gate(
      {
        gate: 'uncited-rules',
        scope: category,
        value: row.rules === 0 ? null : row.uncitedRules.length / row.rules,
        samples: row.samples,
        atLeast: false,
        detail: `${row.uncitedRules.length} of ${row.rules} rules never cited in ${row.samples} accepted reasonings${row.uncitedRules.length > 0 ? `: ${row.uncitedRules.join(', ')}` : ''}`,
        fix: `add prompts that exercise those ${category} rules (or merge or remove rules no prompt needs)`,
      },
      settings,
    );
    return [hint, rules];
  });
}

function datasetGates(measures: QualityMeasures, settings: QualitySettings): QualityGate[] {
  const { answers, complyRefusals, reasoningChars } = measures;
  const largest = answers.clusters[0];
  const clusterText = largest
    ? `the largest cluster: ${largest.count} × "${largest.answer.slice(0, 80)}"`
    : 'no two alike';
  return [
    gate(
      {
        gate: 'answer-diversity',
        scope: 'all',
        value: answers.distinctShare,
        samples: measures.samples,
        atLeast: true,
        detail: `${answers.distinct} distinct answers among ${measures.samples} (${percent(answers.distinctShare ?? 0)}); ${clusterText}`,
        fix: 'the teacher gives the same answer to different prompts: raise generate.temperature, check the generation template, or use a stronger teacher',
      },
      settings,
    ),
    gate(
      {
        gate: 'identical-answers',
        scope: 'all',
        value: largest ? largest.count / measures.samples : 0,
        samples: measures.samples,
        atLeast: false,
        detail: clusterText,
        fix: 'one answer dominates the dataset: read those rows in samples.jsonl, then fix the teacher or the prompts that lead to it',
      },
      settings,
    ),
    gate(
      {
        gate: 'comply-refusal-rate',
        scope: 'all',
        value: complyRefusals.rate,
        samples: complyRefusals.comply,
        atLeast: false,
        detail: `${complyRefusals.refused} of ${complyRefusals.comply} accepted answers to comply-labelled prompts are refusals`,
        fix: 'the dataset would teach over-refusal: check the comply rules of the spec and the comply hints, or use a teacher that follows them',
      },
      settings,
    ),
    gate(
      {
        gate: 'reasoning-length',
        scope: 'all',
        value: reasoningChars?.median ?? null,
        samples: measures.samples,
        atLeast: true,
        detail: reasoningChars
          ? `reasoning length in characters: p10 ${reasoningChars.p10}, median ${reasoningChars.median}, p90 ${reasoningChars.p90}`
          : 'no reasoning',
        fix: 'the teacher barely reasons: use a reasoning model as teacher, and check that its reasoning field reaches deliberate (models check)',
      },
      settings,
    ),
  ];
}

/** Checks every gate on the measures of the accepted samples. */
export function checkQualityGates(
  measures: QualityMeasures,
  settings: QualitySettings,
  accepted: boolean,
): QualityReport {
  const gates = [...datasetGates(measures, settings), ...categoryGates(measures, settings)];
  return { gates, tripped: gates.filter((entry) => entry.status === 'tripped').length, accepted, measures };
}

/** One line per tripped gate: gate, scope, value against threshold, numbers, fix. */
export function formatTrippedGates(report: QualityReport): string[] {
  return report.gates
    .filter((entry) => entry.status === 'tripped')
    .map((entry) => {
      const key = settingKeys[entry.gate];
      const shown = (value: number | null) =>
        value === null ? 'none' : entry.gate === 'reasoning-length' ? String(value) : percent(value);
      return `${entry.gate} (${entry.scope}): ${shown(entry.value)} against quality.${key} ${shown(entry.threshold)}; ${entry.detail}. Fix: ${entry.fix}`;
    });
}
