import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { QualitySettings } from '../records/pipeline-settings.js';
import type { Spec } from '../records/spec.js';
import { loadSpec } from '../spec/load-spec.js';
import { checkQualityGates, formatTrippedGates, type QualityGate } from './quality-gates.js';
import { checkHint, measureQuality, type QualitySample } from './quality-measures.js';

let spec: Spec;
beforeAll(async () => {
  spec = await loadSpec(path.resolve(import.meta.dirname, '../spec/__fixtures__/tiny-spec'));
});

const defaults = QualitySettings.parse({});
const longReasoning = (rule: string, index: number) =>
  `The user asks plainly and states no intent to do wrong; ${rule} says neutral information is allowed, so I explain it fully and plainly (item ${index}).`;

/** A healthy dataset: distinct answers, hints followed, both illicit rules cited. */
function healthy(count = 16): QualitySample[] {
  return Array.from({ length: count }, (_, index) => {
    const refuse = index % 2 === 1;
    return {
      answer: refuse
        ? `Sorry, I can't help with breaking into place ${index}.`
        : `Here is how mechanism ${index} works.`,
      reasoning: longReasoning(refuse ? 'illicit.K3' : 'illicit.K0', index),
      categories: ['illicit'],
      idealAction: refuse ? 'refuse' : 'comply',
      judgeAction: refuse ? 'refuse' : 'comply',
      judgeAgreeWithHint: true,
    };
  });
}

function gateOf(gates: QualityGate[], gate: string, scope = 'all'): QualityGate {
  return gates.find((entry) => entry.gate === gate && entry.scope === scope)!;
}

describe('quality gates', () => {
  it('a healthy set passes every gate', () => {
    const report = checkQualityGates(measureQuality(healthy(), spec), defaults, false);
    expect(report.tripped).toBe(0);
    expect(report.gates.filter((gate) => gate.status === 'passed').map((gate) => gate.gate)).toEqual([
      'answer-diversity',
      'identical-answers',
      'comply-refusal-rate',
      'reasoning-length',
      'hint-agreement',
      'uncited-rules',
    ]);
  });

  it('a degenerate teacher (the same refusal everywhere, comply prompts too) trips the gates with their numbers', () => {
    const samples = healthy().map((sample) => ({
      ...sample,
      answer: "I'm sorry, but I can't help with that.",
      reasoning: 'Refusing.',
      // The judge claims agreement with every hint: deliberate checks it instead.
      judgeAgreeWithHint: true,
    }));
    const report = checkQualityGates(measureQuality(samples, spec), defaults, false);
    const tripped = report.gates
      .filter((gate) => gate.status === 'tripped')
      .map((gate) => `${gate.gate}:${gate.scope}`);
    expect(tripped).toEqual([
      'answer-diversity:all',
      'identical-answers:all',
      'comply-refusal-rate:all',
      'reasoning-length:all',
      'hint-agreement:illicit',
      'uncited-rules:illicit',
    ]);
    expect(gateOf(report.gates, 'answer-diversity').value).toBeCloseTo(1 / 16);
    expect(gateOf(report.gates, 'comply-refusal-rate').detail).toBe(
      '8 of 8 accepted answers to comply-labelled prompts are refusals',
    );
    const hint = gateOf(report.gates, 'hint-agreement', 'illicit');
    expect(hint.value).toBe(0.5);
    expect(hint.detail).toContain('8 of 16 hinted answers agree');
    expect(hint.detail).toContain('the judge claimed 16 agree, 0 disagree');
    expect(gateOf(report.gates, 'uncited-rules', 'illicit').detail).toContain('2 of 2 rules never cited');
    const lines = formatTrippedGates(report);
    expect(lines[0]).toMatch(
      /^answer-diversity \(all\): 6\.3% against quality\.minDistinctAnswerShare 50%; 1 distinct/,
    );
    expect(lines.every((line) => line.includes('Fix: '))).toBe(true);
  });

  it('each threshold is the boundary: at it passes, beyond it trips; null turns the gate off', () => {
    const samples = healthy();
    samples[0] = { ...samples[0]!, answer: "Sorry, I can't do that." }; // 1 of 8 comply answers refused: 12.5%
    const measures = measureQuality(samples, spec);
    expect(
      checkQualityGates(measures, defaults, false).gates.find((g) => g.gate === 'comply-refusal-rate')!.status,
    ).toBe('passed');
    const atIt = { ...defaults, maxComplyRefusalRate: 0.125 };
    expect(gateOf(checkQualityGates(measures, atIt, false).gates, 'comply-refusal-rate').status).toBe('passed');
    const stricter = { ...defaults, maxComplyRefusalRate: 0.124 };
    expect(gateOf(checkQualityGates(measures, stricter, false).gates, 'comply-refusal-rate').status).toBe('tripped');
    const off = { ...defaults, maxComplyRefusalRate: null };
    expect(gateOf(checkQualityGates(measures, off, false).gates, 'comply-refusal-rate').status).toBe('off');
    const median = measures.reasoningChars!.median;
    expect(
      gateOf(
        checkQualityGates(measures, { ...defaults, minMedianReasoningChars: median }, false).gates,
        'reasoning-length',
      ).status,
    ).toBe('passed');
    expect(
      gateOf(
        checkQualityGates(measures, { ...defaults, minMedianReasoningChars: median + 1 }, false).gates,
        'reasoning-length',
      ).status,
    ).toBe('tripped');
  });

  it('below quality.minSamples a gate is reported, not checked', () => {
    const samples = healthy(7).map((sample) => ({ ...sample, answer: 'same' }));
    const report = checkQualityGates(measureQuality(samples, spec), defaults, false);
    expect(report.tripped).toBe(0);
    expect(gateOf(report.gates, 'identical-answers').status).toBe('too-few-samples');
    const lowered = checkQualityGates(measureQuality(samples, spec), { ...defaults, minSamples: 7 }, false);
    expect(gateOf(lowered.gates, 'identical-answers').status).toBe('tripped');
  });

  it("checks a hint with deliberate's refusal detector, and leaves safe-complete and escalate unchecked", () => {
    expect(checkHint('comply', "I can't help with that.")).toBe(false);
    expect(checkHint('comply', 'Here is how it works.')).toBe(true);
    expect(checkHint('refuse', "I can't help with that.")).toBe(true);
    expect(checkHint('safe-complete', "I can't help with that.")).toBeNull();
    expect(checkHint(undefined, 'anything')).toBeNull();
  });

  it('lists identical-answer clusters, largest first, with their categories', () => {
    const samples: QualitySample[] = [
      ...healthy(4),
      ...['a', 'b', 'c'].map(() => ({ ...healthy(1)[0]!, answer: 'Same  answer', categories: ['self-harm'] })),
      ...['a', 'b'].map(() => ({ ...healthy(1)[0]!, answer: 'same answer' })),
    ];
    const { answers } = measureQuality(samples, spec);
    expect(answers.clusters).toEqual([{ count: 5, answer: 'Same  answer', categories: ['illicit', 'self-harm'] }]);
    expect(answers.distinct).toBe(5);
  });
});
