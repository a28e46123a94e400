import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { DataError } from '../errors.js';
import { openRunStore } from '../io/run-store.js';
import type { JudgeVerdict, ValidatedCompletion } from './judge-samples.js';
import { type StageOutputs, writeRunSamples } from './write-run-samples.js';

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
