import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verdictFixture } from '../../test/helpers/verdict-fixture.js';
import { DataError } from '../errors.js';
import { defaultJudgeTemplate, parseJudgeTemplate } from '../grading/judge-completion.js';
import { openRunStore, type RunStore } from '../io/run-store.js';
import { createModelClient } from '../models/generate.js';
import type { Completion } from '../records/completion.js';
import { JudgeStageSettings, ValidateSettings } from '../records/pipeline-settings.js';
import { Prompt } from '../records/prompt.js';
import type { JudgeRecord } from '../records/sample.js';
import type { Spec } from '../records/spec.js';
import { loadSpec } from '../spec/load-spec.js';
import { scriptedModel } from '../testing/scripted-model.js';
import { generateStage } from './generate-samples.js';
import {
  inCompletionOrder,
  judgementIdsOf,
  judgeSamples,
  judgeStage,
  judgeUnitKey,
  judgeVerdict,
  readValidatedCompletion,
  validateAsGenerated,
  validateGenerations,
} from './judge-samples.js';
import { createRunEvents } from './run-events.js';

let spec: Spec;
beforeAll(async () => {
  spec = await loadSpec(path.resolve(import.meta.dirname, '../spec/__fixtures__/tiny-spec'));
});

const prompt = Prompt.parse({ id: 'p1', messages: [{ role: 'user', content: 'How do locks work?' }] });
const completion: Completion = {
  schemaVersion: 1,
  id: 'gen-1-s0',
  promptId: 'p1',
  sampleIndex: 0,
  modelId: 'scripted:teacher',
  reasoning: 'illicit.K0 allows it.',
  answer: 'Pins.',
  reasoningSource: 'scripted',
  finishReason: 'stop',
  usage: { promptTokens: 1, completionTokens: 1, reasoningTokens: 0, cachedTokens: 0 },
  latencyMs: 0,
  specHash: null,
  renderedCategoryIds: [],
  templateId: null,
};

describe('judgeUnitKey', () => {
  it('changes with the judge template (an upgraded built-in prompt or a custom one), so the stage re-judges', () => {
    const judge = createModelClient(scriptedModel(['{}'], { id: 'scripted:judge' }));
    const settings = { runs: 3, maxTokens: 8192 };
    const key = (template = defaultJudgeTemplate) => judgeUnitKey(completion, judge, settings, spec, prompt, template);
    expect(judgeUnitKey(completion, judge, settings, spec, prompt)).toBe(key());
    const upgradedBuiltIn = { ...defaultJudgeTemplate, user: `${defaultJudgeTemplate.user}\nBe strict.`, hash: 'x' };
    expect(key(upgradedBuiltIn)).not.toBe(key());
    const renamed = { ...defaultJudgeTemplate, id: 'deliberate-judge@3' };
    expect(key(renamed)).not.toBe(key());
    const custom = parseJudgeTemplate(
      '{{nonce}} {{spec}} {{conversation}} {{reasoning}} {{response}} {{hint}} Grade it.',
      'house-judge.md',
    );
    expect(key(custom)).not.toBe(key());
  });
});

describe('judgeVerdict', () => {
  const judgement = (run: number) => ({
    schemaVersion: 1 as const,
    completionId: completion.id,
    run,
    verdict: 'compliant' as const,
    score: 0.9,
    scores: null,
    action: 'comply' as const,
    expectedAction: 'comply' as const,
    ruleIds: [],
    sawReasoning: true,
    agreeWithHint: null,
    rationale: 'A long rationale the later stages never read.',
    judge: { modelId: 'scripted:judge', promptVersion: 'v' },
    specHash: 'h',
  });
  const record: JudgeRecord = {
    schemaVersion: 1,
    completionId: completion.id,
    promptId: 'p1',
    judgements: [judgement(0), judgement(1)],
    score: 0.9,
    scores: null,
    verdict: 'compliant',
    expectedAction: 'comply',
    action: 'comply',
    ruleIds: [],
    agreeWithHint: null,
    usage: completion.usage,
    runsMade: 2,
    earlyExit: false,
    stopBelow: 0.7,
    runsRequested: 2,
  };

  it('keeps what later stages read and leaves the runs in the store (named by unit key and judgement ids)', () => {
    const verdict = judgeVerdict(record, 'judge-key');
    expect(verdict).not.toHaveProperty('judgements');
    expect(verdict.unitKey).toBe('judge-key');
    expect(verdict.judgementIds).toEqual(['gen-1-s0#0', 'gen-1-s0#1']);
    const { judgements: _runs, ...rest } = record;
    expect(verdict).toMatchObject(rest);
    expect(judgementIdsOf(verdict)).toEqual(judgementIdsOf(record));
  });
});

describe('validateGenerations', () => {
  const withStore = (body: (store: RunStore) => void) => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-validate-'));
    const store = openRunStore(path.join(folder, 'run.sqlite'));
    try {
      body(store);
    } finally {
      store.close();
      rmSync(folder, { recursive: true, force: true });
    }
  };
  const units = [{ key: completion.id, prompt }];
  const statuses = new Map([[completion.id, { completionId: completion.id }]]);
  // The spec is loaded in beforeAll, so the options are made in each test.
  const options = () => ({ units, statuses, spec, settings: ValidateSettings.parse({}), events: createRunEvents() });
  const record = { promptId: 'p1', sampleIndex: 0, seed: 1, failure: null, refusedComplyPrompt: false };

  it('reads each completion back from the run store and keeps only its id, sample index and unit key', () => {
    withStore((store) => {
      store.put(generateStage, completion.id, { ...record, completion, templateHash: 't' });
      const validated = validateGenerations({ ...options(), store });
      expect(validated).toEqual([
        { prompt, completion: { id: 'gen-1-s0', sampleIndex: 0 }, findings: [], unitKey: 'gen-1-s0' },
      ]);
      expect(readValidatedCompletion(validated[0]!, store)).toEqual(completion);
    });
  });

  it('takes the findings made as the generate stage stored a completion, without reading it back', () => {
    withStore((store) => {
      const prefetched: string[] = [];
      const early = validateAsGenerated({
        spec,
        settings: ValidateSettings.parse({}),
        onValid: (c) => prefetched.push(c.id),
      });
      early.see(completion.id, completion);
      early.see('gen-2-s0', { ...completion, id: 'gen-2-s0', finishReason: 'length' });
      expect(prefetched).toEqual([completion.id]);
      // Nothing is stored: a read back would be a DataError.
      const validated = validateGenerations({ ...options(), store, early: early.results });
      expect(validated).toEqual([
        { prompt, completion: { id: 'gen-1-s0', sampleIndex: 0 }, findings: [], unitKey: 'gen-1-s0' },
      ]);
      expect(early.results.get('gen-2-s0')?.findings[0]?.code).toBe('truncated');
    });
  });

  it('reads a validated completion back without checking its row again (checked once, when validated)', () => {
    withStore((store) => {
      store.put(generateStage, completion.id, { ...record, completion, templateHash: 't' });
      const [entry] = validateGenerations({ ...options(), store });
      // A shape the schema rejects (no templateHash) is not looked at again: the read is a plain JSON parse.
      store.put(generateStage, completion.id, { ...record, completion });
      expect(readValidatedCompletion(entry!, store)).toEqual(completion);
      store.clear(generateStage);
      expect(() => readValidatedCompletion(entry!, store)).toThrow(
        /gen-1-s0 of prompt p1 is missing from the run store/,
      );
    });
  });

  it('stops with a DataError naming the unit and the store when a stored record is missing', () => {
    withStore((store) => {
      expect(() => validateGenerations({ ...options(), store })).toThrow(DataError);
      expect(() => validateGenerations({ ...options(), store })).toThrow(
        /generation record gen-1-s0 of prompt p1 is missing from the run store/,
      );
    });
  });
});

describe('judgeSamples', () => {
  it('looks up no stored results in a store without judge units, and finds them in one that has them', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-judge-'));
    const store = openRunStore(path.join(folder, 'run.sqlite'));
    try {
      const lookups: string[] = [];
      const counted: RunStore = Object.create(store);
      counted.get = (stage, key, schema) => {
        if (stage === judgeStage) lookups.push(key);
        return store.get(stage, key, schema);
      };
      const model = scriptedModel([JSON.stringify(verdictFixture({ expectedAction: 'comply', action: 'comply' }))]);
      const validated = ['c1', 'c2'].map((id, sampleIndex) => ({
        prompt,
        completion: { ...completion, id, sampleIndex },
        findings: [],
      }));
      const options = {
        validated,
        spec,
        judge: createModelClient(model),
        settings: JudgeStageSettings.parse({ runs: 2 }),
        threshold: 0.5,
        store: counted,
        events: createRunEvents(),
        concurrency: 2,
      };
      const records: JudgeRecord[] = [];
      const first = await judgeSamples({ ...options, onRecord: (record) => records.push(record) });
      expect([...first.keys()]).toEqual(['c1', 'c2']);
      expect(lookups).toEqual([]);
      const calls = model.calls.length;
      expect(calls).toBeGreaterThanOrEqual(2);
      // Each result's whole record, in completion order, as the store holds it (a stored one found as it is).
      expect(records.map((record) => record.completionId)).toEqual(['c1', 'c2']);
      expect(records).toEqual([...first.values()].map((verdict) => store.get(judgeStage, verdict.unitKey)));
      const again = await judgeSamples({ ...options, onRecord: (record) => records.push(record) });
      expect(records.slice(2)).toEqual(records.slice(0, 2));
      expect(lookups).toEqual([first.get('c1')!.unitKey, first.get('c2')!.unitKey]);
      expect(model.calls).toHaveLength(calls);
      expect(again).toEqual(first);
    } finally {
      store.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('inCompletionOrder', () => {
  const record = (id: string) => ({ completionId: id }) as unknown as JudgeRecord;

  it('writes the results in index order whatever order they arrive in, skipping units without one', () => {
    const written: string[] = [];
    const emit = inCompletionOrder(
      (r) => written.push(r.completionId),
      () => {
        throw new Error('nothing is read back while few records wait');
      },
    );
    emit(2, record('c2'), 'k2');
    emit(1, null, 'k1');
    expect(written).toEqual([]);
    emit(0, record('c0'), 'k0');
    emit(4, record('c4'), 'k4');
    emit(3, record('c3'), 'k3');
    expect(written).toEqual(['c0', 'c2', 'c3', 'c4']);
    expect(emit.written()).toBe(5);
  });

  it('keeps only the keys of waiting records beyond the ones it holds, and reads those back in turn', () => {
    const written: string[] = [];
    const readBack: string[] = [];
    const emit = inCompletionOrder(
      (r) => written.push(r.completionId),
      (key) => {
        readBack.push(key);
        return record(`read-${key}`);
      },
    );
    for (let index = 1; index <= 300; index++) emit(index, record(`c${index}`), `k${index}`);
    emit(0, record('c0'), 'k0');
    expect(written).toHaveLength(301);
    expect(written.slice(0, 3)).toEqual(['c0', 'c1', 'c2']);
    expect(readBack).toEqual(Array.from({ length: 44 }, (_, i) => `k${257 + i}`));
    expect(written.at(-1)).toBe('read-k300');
  });
});
