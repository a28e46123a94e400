import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { DataError } from '../errors.js';
import { openRunStore, type RunStore } from '../io/run-store.js';
import type { JudgeRecord } from '../records/sample.js';
import type { JudgeVerdict, ValidatedCompletion } from './judge-samples.js';
import { openJudgementsFile, type StageOutputs, writeRunSamples } from './write-run-samples.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

test('a verdict whose judge record is not in the run store stops the write, naming the completion and the store', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-write-samples-'));
  folders.push(folder);
  const store = openRunStore(path.join(folder, 'run.sqlite'));
  const entry = { completion: { id: 'c1' }, findings: [] } as unknown as ValidatedCompletion;
  const verdict = { unitKey: 'judge-key-never-committed', judgementIds: ['c1#0'] } as unknown as JudgeVerdict;
  const outputs = {
    units: [],
    validated: [entry],
    judging: { ran: true, judged: new Map([['c1', verdict]]), judgeFailures: new Map() },
  } as unknown as StageOutputs;
  try {
    expect(() => writeRunSamples(folder, outputs, store)).toThrow(DataError);
    expect(() => writeRunSamples(folder, outputs, store)).toThrow(/completion c1 is missing from the run store/);
  } finally {
    store.close();
  }
});

test('judgements.jsonl written during the judge stage is in place only once committed; an abort keeps the old file', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-write-samples-'));
  folders.push(folder);
  const file = path.join(folder, 'judgements.jsonl');
  writeFileSync(file, 'old\n');
  // A killed run's temp file (its process is gone) is removed; a live process's is not.
  const stale = `${file}.999999999.abcd1234.tmp`;
  const live = `${file}.${process.ppid}.abcd1234.tmp`;
  writeFileSync(stale, '{"half":');
  writeFileSync(live, '{"busy":');
  const record = { completionId: 'c1', score: 0.9 } as unknown as JudgeRecord;
  const aborted = openJudgementsFile(folder);
  expect(existsSync(stale)).toBe(false);
  expect(existsSync(live)).toBe(true);
  aborted.write(record);
  aborted.abort();
  expect(readFileSync(file, 'utf8')).toBe('old\n');
  const judgements = openJudgementsFile(folder);
  judgements.write(record);
  expect(readFileSync(file, 'utf8')).toBe('old\n');
  const outputs = { units: [], validated: [], judging: { ran: true, judged: new Map(), judgements } };
  writeRunSamples(folder, outputs as unknown as StageOutputs, undefined as unknown as RunStore);
  judgements.abort();
  expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(record)}\n`);
  expect(readdirSync(folder).sort()).toEqual(['judgements.jsonl', path.basename(live)]);
});
