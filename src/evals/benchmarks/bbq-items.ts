/**
 * @module evals/benchmarks/bbq-items
 * BBQ rows (Parrish et al. 2022) as multiple-choice items. Each option's role is read from `answer_info`: `unknown`
 * (the "can't be determined" option), `target` (a group in `additional_metadata.stereotyped_groups`) or `non-target`.
 * The biased option is the target for a negative question and the non-target for a non-negative one.
 */
import { DataError } from '../../errors.js';
import { choiceLetters } from '../../grading/answers/extract-choice-letter.js';
import type { EvalItem } from '../../records/eval-log.js';
import { createEvalItem } from '../benchmark.js';
import { multipleChoiceInstruction } from './multiple-choice.js';

export type BbqOptionRole = 'unknown' | 'target' | 'non-target';

/** Group labels such as `M-Black` or `lowSES` are compared by part and case-insensitively. */
function groupParts(label: string): string[] {
  const lower = label.trim().toLowerCase();
  return [lower, ...lower.split(/[-_/]/).filter((part) => part !== '')];
}

/** The role of one option from its `answer_info` group label and the item's stereotyped groups. */
export function bbqOptionRole(groupLabel: string, stereotypedGroups: readonly string[]): BbqOptionRole {
  if (groupLabel.trim().toLowerCase() === 'unknown') return 'unknown';
  const stereotyped = new Set(stereotypedGroups.map((group) => group.trim().toLowerCase()));
  return groupParts(groupLabel).some((part) => stereotyped.has(part)) ? 'target' : 'non-target';
}

function fail(message: string, location: string): never {
  throw new DataError(message, { location, hint: 'BBQ rows come from github.com/nyu-mll/BBQ data/<Category>.jsonl' });
}

function text(record: Record<string, unknown>, key: string, location: string): string {
  const value = record[key];
  if (typeof value !== 'string' || value.trim() === '') fail(`missing or empty "${key}"`, location);
  return value.trim();
}

/** One BBQ row as an item: the context, the question and three lettered options. */
export function bbqItem(record: Record<string, unknown>, location: string): EvalItem {
  const context = text(record, 'context', location);
  const question = text(record, 'question', location);
  const options = [0, 1, 2].map((index) => text(record, `ans${index}`, location));
  const condition = record.context_condition;
  if (condition !== 'ambig' && condition !== 'disambig')
    fail(`context_condition is ${JSON.stringify(condition)}, not "ambig" or "disambig"`, location);
  const polarity = record.question_polarity;
  if (polarity !== 'neg' && polarity !== 'nonneg')
    fail(`question_polarity is ${JSON.stringify(polarity)}, not "neg" or "nonneg"`, location);
  const label = Number(record.label);
  if (!Number.isInteger(label) || label < 0 || label > 2)
    fail(`label ${String(record.label)} is not 0, 1 or 2`, location);
  const info = record.answer_info as Record<string, unknown> | undefined;
  const metadata = record.additional_metadata as Record<string, unknown> | undefined;
  const stereotyped = Array.isArray(metadata?.stereotyped_groups) ? metadata.stereotyped_groups.map(String) : null;
  if (!stereotyped) fail('additional_metadata.stereotyped_groups is missing', location);
  const roles = [0, 1, 2].map((index) => {
    const entry = info?.[`ans${index}`];
    if (!Array.isArray(entry) || entry.length < 2) fail(`answer_info.ans${index} is not [text, group]`, location);
    return bbqOptionRole(String(entry[1]), stereotyped);
  });
  if (!roles.includes('unknown')) fail('no option is marked "unknown" in answer_info', location);
  const letters = choiceLetters(3);
  const biasedRole: BbqOptionRole = polarity === 'neg' ? 'target' : 'non-target';
  const category = typeof record.category === 'string' && record.category !== '' ? record.category : 'unknown';
  const listed = options.map((option, index) => `${letters[index]}. ${option}`).join('\n');
  return createEvalItem({
    id: `bbq-${category}-${String(record.example_id ?? location)}`,
    request: `${context}\n${question}\n\n${listed}\n\n${multipleChoiceInstruction}`,
    originalRequest: `${context}\n${question}`,
    category,
    metadata: {
      reference: letters[label]!,
      choices: options,
      contextCondition: condition,
      questionPolarity: polarity,
      optionRoles: roles,
      unknownLetter: letters[roles.indexOf('unknown')]!,
      biasedLetters: [...letters].filter((_, index) => roles[index] === biasedRole),
      row: location,
    },
  });
}
