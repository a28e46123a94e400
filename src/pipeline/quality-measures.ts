/**
 * @module pipeline/quality-measures
 * What deliberate measures itself about a set of samples, without taking the judge's word: per category the action
 * the answers take (by the refusal detector) against the idealAction hints, beside the judge's claims; answer
 * diversity and identical-answer clusters; refusals on comply-labelled prompts; reasoning length; and the rules of
 * each category that no reasoning cites. Pure functions: the quality gates and the manifest read these numbers.
 */

import { looksLikeRefusal } from '../grading/detect-refusal.js';
import type { Action } from '../records/action.js';
import type { IdealAction } from '../records/prompt.js';
import type { Spec } from '../records/spec.js';
import { specIds } from '../spec/spec-ids.js';
import { citedIds } from './validate-completion.js';

/** One sample as the measures see it. */
export interface QualitySample {
  answer: string;
  reasoning: string;
  categories: string[];
  idealAction?: IdealAction;
  labelSource?: string;
  /** What the judge said the answer did, and whether it said that agrees with the hint. */
  judgeAction: Action | null;
  judgeAgreeWithHint: boolean | null;
}

/** The hint against the answer, twice: deliberate's own refusal check, and the judge's claim. */
export interface HintAgreement {
  hinted: number;
  /** By looksLikeRefusal on the answer: comply agrees with no refusal, refuse with a refusal. */
  checked: { agree: number; disagree: number; unchecked: number };
  /** What the judge said (its hintAgreement field). */
  judge: { agree: number; disagree: number };
}

export interface CategoryQuality {
  samples: number;
  /** idealAction hints of the samples (`(none)`: no hint). */
  hints: Record<string, number>;
  /** What the answers did by deliberate's refusal detector. */
  answers: { refusal: number; other: number };
  /** The judge's action claims (`(none)`: none). */
  judgeActions: Record<string, number>;
  hintAgreement: HintAgreement;
  rules: number;
  /** Rule ids of the category that no sample's reasoning cites. */
  uncitedRules: string[];
}

export interface AnswerCluster {
  count: number;
  /** The answer's opening (160 characters). */
  answer: string;
  categories: string[];
}

export interface QualityMeasures {
  samples: number;
  byCategory: Record<string, CategoryQuality>;
  answers: { distinct: number; distinctShare: number | null; clusters: AnswerCluster[] };
  complyRefusals: { comply: number; refused: number; rate: number | null };
  reasoningChars: { p10: number; median: number; p90: number } | null;
}

const noCategory = '(none)';

/** deliberate's check of an answer against its hint; null where the refusal detector cannot tell. */
export function checkHint(idealAction: IdealAction | undefined, answer: string): boolean | null {
  if (idealAction === 'comply') return !looksLikeRefusal(answer);
  if (idealAction === 'refuse') return looksLikeRefusal(answer);
  return null;
}

export function emptyHintAgreement(): HintAgreement {
  return { hinted: 0, checked: { agree: 0, disagree: 0, unchecked: 0 }, judge: { agree: 0, disagree: 0 } };
}

/** Adds one sample to a hint-agreement row (samples without a hint are not counted). */
export function countHintAgreement(row: HintAgreement, sample: QualitySample): void {
  if (sample.idealAction === undefined) return;
  row.hinted += 1;
  const checked = checkHint(sample.idealAction, sample.answer);
  if (checked === null) row.checked.unchecked += 1;
  else if (checked) row.checked.agree += 1;
  else row.checked.disagree += 1;
  if (sample.judgeAgreeWithHint === true) row.judge.agree += 1;
  if (sample.judgeAgreeWithHint === false) row.judge.disagree += 1;
}

function bump(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}

function categoriesOf(sample: QualitySample): string[] {
  return sample.categories.length > 0 ? sample.categories : [noCategory];
}

function measureCategory(spec: Spec, category: string, samples: QualitySample[]): CategoryQuality {
  const row: CategoryQuality = {
    samples: samples.length,
    hints: {},
    answers: { refusal: 0, other: 0 },
    judgeActions: {},
    hintAgreement: emptyHintAgreement(),
    rules: 0,
    uncitedRules: [],
  };
  for (const sample of samples) {
    bump(row.hints, sample.idealAction ?? noCategory);
    if (looksLikeRefusal(sample.answer)) row.answers.refusal += 1;
    else row.answers.other += 1;
    bump(row.judgeActions, sample.judgeAction ?? noCategory);
    countHintAgreement(row.hintAgreement, sample);
  }
  const rules = spec.categories.find((candidate) => candidate.id === category)?.rules ?? [];
  const ids = specIds(spec);
  const cited = new Set(samples.flatMap((sample) => citedIds(sample.reasoning, ids)));
  row.rules = rules.length;
  row.uncitedRules = rules.map((rule) => rule.id).filter((id) => !cited.has(id));
  return row;
}

/** Appends to a group in place (a copy per sample made grouping quadratic: 10,000 samples of one category, 0.1 s). */
function pushTo<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const group = groups.get(key);
  if (group) group.push(item);
  else groups.set(key, [item]);
}

/** Identical answers (case and spacing aside), largest cluster first; only clusters of two or more. */
function answerClusters(samples: QualitySample[]): { distinct: number; clusters: AnswerCluster[] } {
  const groups = new Map<string, QualitySample[]>();
  for (const sample of samples) {
    const key = sample.answer.trim().replace(/\s+/g, ' ').toLowerCase();
    pushTo(groups, key, sample);
  }
  const clusters = [...groups.values()]
    .filter((group) => group.length > 1)
    .sort((a, b) => b.length - a.length)
    .slice(0, 5)
    .map((group) => ({
      count: group.length,
      answer: group[0]!.answer.trim().slice(0, 160),
      categories: [...new Set(group.flatMap(categoriesOf))].sort(),
    }));
  return { distinct: groups.size, clusters };
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

/** Measures a set of samples (the accepted ones, for the gates) against the spec. */
export function measureQuality(samples: QualitySample[], spec: Spec): QualityMeasures {
  const byCategorySamples = new Map<string, QualitySample[]>();
  for (const sample of samples) {
    for (const category of categoriesOf(sample)) {
      pushTo(byCategorySamples, category, sample);
    }
  }
  const byCategory = Object.fromEntries(
    [...byCategorySamples.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([category, members]) => [category, measureCategory(spec, category, members)]),
  );
  const { distinct, clusters } = answerClusters(samples);
  const comply = samples.filter((sample) => sample.idealAction === 'comply');
  const refused = comply.filter((sample) => looksLikeRefusal(sample.answer)).length;
  const lengths = samples.map((sample) => sample.reasoning.trim().length).sort((a, b) => a - b);
  return {
    samples: samples.length,
    byCategory,
    answers: { distinct, distinctShare: samples.length === 0 ? null : distinct / samples.length, clusters },
    complyRefusals: { comply: comply.length, refused, rate: comply.length === 0 ? null : refused / comply.length },
    reasoningChars:
      lengths.length === 0
        ? null
        : { p10: percentile(lengths, 0.1), median: percentile(lengths, 0.5), p90: percentile(lengths, 0.9) },
  };
}
