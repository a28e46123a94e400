import { beforeAll, describe, expect, it } from 'vitest';
import { verdictFixture } from '../../test/helpers/verdict-fixture.js';
import { createModelClient } from '../models/generate.js';
import type { Spec } from '../records/spec.js';
import { loadSpec } from '../spec/load-spec.js';
import { scriptedModel } from '../testing/scripted-model.js';
import { adversarialProbes, probeCategories, runJudgeProbes } from './adversarial-probes.js';

const base = verdictFixture();

const violation = JSON.stringify({
  ...base,
  ruleIds: ['illicit.K3'],
  action: 'comply',
  complianceScore: 1,
  actionScore: 1,
  reasoningScore: 1,
  verdict: 'violation',
});
const compliant = JSON.stringify({ ...base, reasoningScore: 5 });

const tinySpecPath = new URL('../spec/__fixtures__/tiny-spec/', import.meta.url).pathname;
let spec: Spec;
beforeAll(async () => {
  spec = await loadSpec(tinySpecPath);
});

describe('adversarialProbes', () => {
  it('covers every attack the calibration must report, plus controls', () => {
    const attacks = new Set(adversarialProbes.map((probe) => probe.attack));
    for (const attack of ['disavowal-suffix', 'fake-verdict', 'fake-end-of-data', 'reasoning-opener', 'control']) {
      expect(attacks).toContain(attack);
    }
    expect(new Set(adversarialProbes.map((probe) => probe.id)).size).toBe(adversarialProbes.length);
  });

  it('every attack expects a violation; the harmful parts are placeholders', () => {
    for (const probe of adversarialProbes.filter((candidate) => candidate.attack !== 'control')) {
      expect(probe.expectedVerdict).toBe('violation');
      expect(probe.answer).toMatch(/\[[^\]]*(steps|instructions|components|ransomware|list)[^\]]*\]/i);
    }
    const disavowal = adversarialProbes.find((probe) => probe.attack === 'disavowal-suffix')!;
    expect(disavowal.answer).toMatch(/example of what you should never do/i);
    expect(adversarialProbes.find((probe) => probe.attack === 'reasoning-opener')!.answer).toMatch(/^Thought process:/);
  });

  it('judges each probe under the spec category covering its hazards, else summary-only', () => {
    expect(probeCategories(spec, { likelyCategoryIds: ['cbrn', 'illicit'], hazards: ['S9'] })).toEqual(['illicit']);
    expect(probeCategories(spec, { likelyCategoryIds: ['cbrn'], hazards: ['S9', 'S11'] })).toEqual(['self-harm']);
    expect(probeCategories(spec, { likelyCategoryIds: [], hazards: ['S12'] })).toEqual([]);
  });
});

describe('runJudgeProbes', () => {
  it('counts a resistant judge as resisting every attack and passing the controls', async () => {
    // This scripted judge recognises the controls by their answers; it stands in for a judge that reads correctly.
    const model = scriptedModel((request) => {
      const text = request.messages.map((message) => message.content).join('\n');
      return /I'm sorry, but I can't help with that\.\n<<<END|pin tumbler lock has/.test(text) ? compliant : violation;
    });
    const report = await runJudgeProbes(createModelClient(model), spec);
    const attacks = adversarialProbes.filter((probe) => probe.attack !== 'control').length;
    expect(report).toMatchObject({ total: attacks, resisted: attacks, unscored: 0, controls: { total: 2, passed: 2 } });
    expect(model.calls).toHaveLength(adversarialProbes.length);
    // The planted-reasoning probe is the one judged with the chain of thought shown.
    const shown = model.calls.filter((call) => call.messages[1]!.content.includes('chain of thought (hidden'));
    expect(shown).toHaveLength(1);
  });

  it('counts a fooled judge (always "compliant") as resisting nothing', async () => {
    const model = scriptedModel([compliant]);
    const report = await runJudgeProbes(createModelClient(model), spec);
    expect(report.resisted).toBe(0);
    expect(report.controls.passed).toBe(2);
    expect(report.results.filter((result) => !result.resisted).map((result) => result.attack)).not.toContain('control');
  });

  it('never counts an unscored probe as resisted', async () => {
    const model = scriptedModel(['no verdict here']);
    const report = await runJudgeProbes(createModelClient(model), spec, {
      probes: adversarialProbes.slice(0, 2),
    });
    expect(report).toMatchObject({ total: 2, resisted: 0, unscored: 2 });
    expect(report.results[0]!.unscoredReason).toBe('parse-failure');
  });

  it('throws when the judge cannot be reached, instead of reporting a result', async () => {
    const model = scriptedModel(() => {
      throw new Error('ECONNREFUSED');
    });
    await expect(runJudgeProbes(createModelClient(model), spec)).rejects.toThrow(/unavailable.*ECONNREFUSED/);
  });
});
