/**
 * @module pipeline/decontaminate-prompts
 * Drops training prompts that overlap an evaluation set: a shared word n-gram (default 8), or, for items shorter
 * than n words, the same normalised text. Each removal names the evaluation item it matched.
 */
import path from 'node:path';
import { DataError } from '../errors.js';
import { readTable } from '../io/read-table.js';
import type { Prompt } from '../records/prompt.js';
import { normalisedWords, promptText, type RemovedPrompt, shorten } from './dedup-prompts.js';

export interface EvalSet {
  name: string;
  items: Array<{ location: string; text: string }>;
}

/** Reads the text column of an evaluation set (JSONL, CSV or Parquet). */
export async function readEvalSet(file: string, column: string, name?: string): Promise<EvalSet> {
  const rows = await readTable(file);
  const items: EvalSet['items'] = [];
  for (const row of rows) {
    const value = row.record?.[column];
    if (typeof value === 'string' && value.trim() !== '') items.push({ location: row.location, text: value });
  }
  if (items.length === 0 && rows.length > 0) {
    const columns = Object.keys(rows.find((row) => row.record)?.record ?? {});
    throw new DataError(`evaluation set has no text in column "${column}"`, {
      location: file,
      hint: `set \`column\` in intake.decontaminate to one of: ${columns.join(', ') || '(no columns found)'}`,
    });
  }
  return { name: name ?? path.basename(file), items };
}

/** Removes prompts that share an n-gram (or, when shorter than n words, their whole text) with an evaluation item. */
export function decontaminatePrompts(
  prompts: readonly Prompt[],
  evalSets: readonly EvalSet[],
  options: { ngram: number },
): { kept: Prompt[]; removed: RemovedPrompt[] } {
  const contaminationOf = createContaminationCheck(evalSets, options);
  const kept: Prompt[] = [];
  const removed: RemovedPrompt[] = [];
  for (const prompt of prompts) {
    const removal = contaminationOf(prompt);
    if (removal) removed.push(removal);
    else kept.push(prompt);
  }
  return { kept, removed };
}

interface EvalSource {
  set: string;
  location: string;
  text: string;
}

/** The check of one prompt against the evaluation sets (indexed once): its removal, or undefined when clean. */
export function createContaminationCheck(
  evalSets: readonly EvalSet[],
  options: { ngram: number },
): (prompt: Prompt) => RemovedPrompt | undefined {
  const size = options.ngram;
  const ngramIndex = new Map<string, EvalSource>();
  const shortIndex = new Map<string, EvalSource>();
  for (const evalSet of evalSets) {
    for (const item of evalSet.items) {
      const words = normalisedWords(item.text);
      const source = { set: evalSet.name, location: item.location, text: item.text };
      if (words.length < size) {
        if (words.length > 0 && !shortIndex.has(words.join(' '))) shortIndex.set(words.join(' '), source);
        continue;
      }
      for (let index = 0; index + size <= words.length; index++) {
        const gram = words.slice(index, index + size).join(' ');
        if (!ngramIndex.has(gram)) ngramIndex.set(gram, source);
      }
    }
  }
  if (ngramIndex.size === 0 && shortIndex.size === 0) return () => undefined;
  return (prompt) => {
    const text = promptText(prompt);
    const words = normalisedWords(text);
    let match: EvalSource | undefined;
    let shared: string | undefined;
    for (let index = 0; index + size <= words.length && !match; index++) {
      const gram = words.slice(index, index + size).join(' ');
      match = ngramIndex.get(gram);
      if (match) shared = gram;
    }
    if (!match) {
      // Evaluation items shorter than n words: contaminated when the prompt contains the whole item.
      const joined = ` ${words.join(' ')} `;
      for (const [shortText, source] of shortIndex) {
        if (shortText.split(' ').length >= 3 && joined.includes(` ${shortText} `)) {
          match = source;
          shared = shortText;
          break;
        }
      }
    }
    if (!match) return undefined;
    return {
      promptId: prompt.id,
      reason: 'contaminated',
      matchedId: `${match.set}:${match.location}`,
      matchedText: shorten(match.text),
      text: shorten(text),
      sharedNgram: shared,
    };
  };
}
