import { describe, expect, it } from 'vitest';
import type { Completion } from '../records/completion.js';
import { SelectSettings } from '../records/pipeline-settings.js';
import type { Prompt } from '../records/prompt.js';
import type { JudgeRecord } from '../records/sample.js';
import type { Spec } from '../records/spec.js';
import type { ValidatedCompletion } from './judge-samples.js';
import { selectSamples } from './select-samples.js';

const spec = { hash: 'h'.repeat(64), version: '1.0.0' } as Spec;

function prompt(id: string, categories: string[], source?: string): Prompt {
  return {
    schemaVersion: 1,
    id,
    messages: [{ role: 'user', content: `question ${id}` }],
    categories,
    metadata: source ? { source } : {},
  };
}

function completion(promptId: string, sampleIndex: number): Completion {
  return {
    schemaVersion: 1,
    id: `${promptId}-s${sampleIndex}`,
    promptId,
    sampleIndex,
    modelId: 'teacher',
    reasoning: 'r',
    answer: `a${sampleIndex}`,
    reasoningSource: 'reasoning_content',
    finishReason: 'stop',
    usage: { promptTokens: 1, completionTokens: 1, reasoningTokens: 0, cachedTokens: 0 },
    latencyMs: 1,
    specHash: spec.hash,
    renderedCategoryIds: [],
    templateId: 'generate-v1',
  };
}

function judged(completionId: string, score: number | null, action: JudgeRecord['action'] = 'comply'): JudgeRecord {
  return {
    schemaVersion: 1,
    completionId,
    promptId: completionId.split('-s')[0]!,
    judgements: [],
    score,
    scores: null,
    verdict: score === null ? 'unscored' : 'compliant',
    unscoredReason: score === null ? 'parse-failure' : undefined,
    expectedAction: action,
    action,
    ruleIds: [],
    agreeWithHint: null,
    usage: { promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cachedTokens: 0 },
    runsMade: 1,
    earlyExit: false,
    stopBelow: 0.9,
    runsRequested: 3,
  };
}

function entries(list: Array<[Prompt, number, number | null, string?]>) {
  const validated: ValidatedCompletion[] = [];
  const judgedMap = new Map<string, JudgeRecord>();
  for (const [owner, sampleIndex, score, finding] of list) {
    const item = completion(owner.id, sampleIndex);
    validated.push({
      prompt: owner,
      completion: item,
      findings: finding ? [{ code: finding as 'spec-leakage', detail: '' }] : [],
    });
    if (!finding) judgedMap.set(item.id, judged(item.id, score));
  }
  return { validated, judged: judgedMap };
}

describe('selectSamples', () => {
  it('applies the threshold, keeps the best per prompt with ties to the lower sample, and says why others were dropped', () => {
    const a = prompt('a', ['illicit']);
    const b = prompt('b', []);
    const input = entries([
      [a, 0, 0.95],
      [a, 1, 1],
      [a, 2, 1],
      [a, 3, 0.5],
      [b, 0, null],
      [b, 1, 0.99, 'spec-leakage'],
    ]);
    const selection = selectSamples({ ...input, settings: SelectSettings.parse({}), spec });
    expect(selection.examples.map((example) => example.completionId)).toEqual(['a-s1']);
    expect(Object.fromEntries(selection.rejections)).toEqual({
      'a-s0': 'select:not-best-of-n',
      'a-s2': 'select:not-best-of-n',
      'a-s3': 'judge:below-threshold',
      'b-s0': 'judge:unscored:parse-failure',
      'b-s1': 'validate:spec-leakage',
    });
    expect(selection.examples[0]).toMatchObject({
      id: 'ex-a-s1',
      messages: [{ role: 'user', content: 'question a' }],
      answer: 'a1',
      score: 1,
      specVersion: '1.0.0',
      templateId: 'generate-v1',
    });
    expect(selection.acceptRates.byCategory).toEqual({
      '(none)': { completions: 2, accepted: 0, rate: 0 },
      illicit: { completions: 4, accepted: 1, rate: 0.25 },
    });
    expect(selection.acceptRates.bySource).toEqual({ '(none)': { completions: 6, accepted: 1, rate: 0.167 } });
    expect(selection.acceptRates.byAction).toEqual({
      '(unjudged)': { completions: 1, accepted: 0, rate: 0 },
      comply: { completions: 5, accepted: 1, rate: 0.2 },
    });
  });

  it('keeps best-of-N when N > 1 and honours a lower threshold without re-judging', () => {
    const a = prompt('a', ['illicit']);
    const input = entries([
      [a, 0, 0.7],
      [a, 1, 0.8],
    ]);
    const strict = selectSamples({ ...input, settings: SelectSettings.parse({ bestOf: 2 }), spec });
    expect(strict.examples).toHaveLength(0);
    const lenient = selectSamples({ ...input, settings: SelectSettings.parse({ bestOf: 2, threshold: 0.6 }), spec });
    expect(lenient.examples.map((example) => example.completionId)).toEqual(['a-s1', 'a-s0']);
  });

  it('keeps a score exactly at the threshold and drops one just below it (the threshold is inclusive)', () => {
    const atThreshold = prompt('at', []);
    const belowThreshold = prompt('below', []);
    const input = entries([
      [atThreshold, 0, 0.75],
      [belowThreshold, 0, 0.7499],
    ]);
    const selection = selectSamples({ ...input, settings: SelectSettings.parse({ threshold: 0.75 }), spec });
    expect(selection.examples.map((example) => example.completionId)).toEqual(['at-s0']);
    expect(Object.fromEntries(selection.rejections)).toEqual({ 'below-s0': 'judge:below-threshold' });
  });

  it('balances across categories and sources (STAR-1): the over-represented group loses items first', () => {
    const list: Array<[Prompt, number, number | null]> = [];
    for (let index = 0; index < 6; index++) list.push([prompt(`i${index}`, ['illicit'], 'big'), 0, 1]);
    for (let index = 0; index < 2; index++) list.push([prompt(`s${index}`, ['self-harm'], 'small'), 0, 1]);
    const selection = selectSamples({
      ...entries(list),
      settings: SelectSettings.parse({ balance: { targetSize: 4 } }),
      spec,
    });
    expect(selection.examples).toHaveLength(4);
    const categories = selection.examples.map((example) => example.categories[0]);
    expect(categories.filter((category) => category === 'self-harm')).toHaveLength(2);
    expect([...selection.rejections.values()].filter((reason) => reason === 'select:balanced-out')).toHaveLength(4);
  });
});
