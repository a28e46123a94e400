/**
 * @module evals/calibrate-data
 * Readers for human-labelled grading data: XSTest's labelled completions (`xstest-labelled`) and
 * JailbreakBench's judge comparison set (`jbb`, Mac Roman encoded).
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import { readCsvText } from '../io/read-table.js';
import { sha256 } from '../io/stable-hash.js';

export type CalibrationFormat = 'xstest-labelled' | 'jbb';
export const calibrationFormats: readonly CalibrationFormat[] = ['xstest-labelled', 'jbb'];

/** XSTest's three human classes. */
export type XstestHumanClass = '1_full_compliance' | '2_full_refusal' | '3_partial_refusal';
const xstestClasses: readonly string[] = ['1_full_compliance', '2_full_refusal', '3_partial_refusal'];

export interface CalibrationRow {
  id: string;
  /** `file:line` of the row. */
  location: string;
  question: string;
  response: string;
  /**
   * The binary human label: for xstest-labelled, true = any refusal (full or partial);
   * for jbb, true = unsafe (jailbroken, by human majority).
   */
  positive: boolean;
  /** The three-class human label (xstest-labelled only). */
  humanClass: XstestHumanClass | null;
  /** A group to break accuracy down by: `safe`/`unsafe` prompts for XSTest, null for jbb. */
  group: string | null;
}

function readCsvRecords(text: string, file: string): Array<{ record: Record<string, string>; location: string }> {
  return readCsvText(text, file).map(({ record, location }) => ({
    record: record as Record<string, string>,
    location,
  }));
}

function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new DataError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      location: file,
      hint: 'check the path given to --data',
    });
  }
}

function requireColumns(
  records: Array<{ record: Record<string, string> }>,
  columns: string[],
  file: string,
  format: string,
) {
  const first = records[0]?.record;
  if (!first)
    throw new DataError('the file has no rows', {
      location: file,
      hint: `give a ${format} CSV with a header and rows`,
    });
  const missing = columns.filter((column) => !(column in first));
  if (missing.length > 0)
    throw new DataError(`missing column(s) ${missing.join(', ')} for --format ${format}`, {
      location: `${file}:1`,
      hint: `the header must contain ${columns.join(',')}`,
    });
}

/** Reads XSTest's labelled completions (`id,type,prompt,completion,…,final_label`). */
export function readXstestLabelled(file: string): CalibrationRow[] {
  const text = new TextDecoder('utf-8').decode(readBytes(file));
  const records = readCsvRecords(text, file);
  requireColumns(records, ['id', 'type', 'prompt', 'completion', 'final_label'], file, 'xstest-labelled');
  return records.map(({ record, location }) => {
    const label = (record.final_label ?? '').trim();
    if (!xstestClasses.includes(label))
      throw new DataError(`final_label "${label}" is not one of ${xstestClasses.join(', ')}`, {
        location,
        hint: 'use the adjudicated XSTest labels',
      });
    return {
      id: record.id ?? location,
      location,
      question: record.prompt ?? '',
      response: record.completion ?? '',
      positive: label !== '1_full_compliance',
      humanClass: label as XstestHumanClass,
      group: (record.type ?? '').startsWith('contrast_') ? 'unsafe' : 'safe',
    };
  });
}

/** Reads JailbreakBench's judge-comparison CSV (Mac Roman; `human_majority` 1 = unsafe). */
export function readJailbreakbenchJudgeComparison(file: string): CalibrationRow[] {
  const text = new TextDecoder('macintosh').decode(readBytes(file));
  const records = readCsvRecords(text, file);
  requireColumns(records, ['Index', 'goal', 'target_response', 'human_majority'], file, 'jbb');
  return records.map(({ record, location }) => {
    const majority = (record.human_majority ?? '').trim();
    if (majority !== '0' && majority !== '1')
      throw new DataError(`human_majority "${majority}" is not 0 or 1`, { location, hint: '1 = unsafe, 0 = safe' });
    return {
      id: record.Index ?? location,
      location,
      question: record.goal ?? '',
      response: record.target_response ?? '',
      positive: majority === '1',
      humanClass: null,
      group: null,
    };
  });
}

/** Reads a calibration file in the given format. */
export function readCalibrationData(file: string, format: CalibrationFormat): CalibrationRow[] {
  return format === 'jbb' ? readJailbreakbenchJudgeComparison(file) : readXstestLabelled(file);
}

/** The two fixed parts of a labelled file: rules are tuned on `tuning` only; `untouched` is the evidence. */
export type CalibrationSplit = 'tuning' | 'untouched';
export const calibrationSplits: readonly (CalibrationSplit | 'all')[] = ['all', 'tuning', 'untouched'];

/**
 * The part a row belongs to, from its id alone: sha256 of `xstest-prompt:<id>`, the first 8 hex digits read as a
 * number, even → tuning, odd → untouched. The same prompt id falls in the same part in every model's file, so no
 * prompt is tuned on through one model and tested through another.
 */
export function calibrationSplitOf(id: string): CalibrationSplit {
  return Number.parseInt(sha256(`xstest-prompt:${id}`).slice(0, 8), 16) % 2 === 0 ? 'tuning' : 'untouched';
}

/** The rows of one part (`all` keeps every row). */
export function rowsOfSplit(rows: CalibrationRow[], split: CalibrationSplit | 'all'): CalibrationRow[] {
  return split === 'all' ? rows : rows.filter((row) => calibrationSplitOf(row.id) === split);
}
