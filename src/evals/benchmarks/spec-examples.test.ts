import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evalArgs, testEvalOptions } from '../../../test/helpers/eval-options.js';
import type { GenerateRequest } from '../../models/chat-model.js';
import type { Spec } from '../../records/spec.js';
import { loadSpec } from '../../spec/load-spec.js';
import { type ScriptedModel, scriptedModel } from '../../testing/scripted-model.js';
import { runEval } from '../run-eval.js';
import { specBenchmark, specExampleItems } from './spec-examples.js';

const tinySpec = path.resolve(import.meta.dirname, '../../spec/__fixtures__/tiny-spec');

let spec: Spec;
let folder: string;
beforeAll(async () => {
  spec = await loadSpec(tinySpec);
});
beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'deliberate-spec-bench-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** A judge that reads the expected action from the hint and says the response took `refuse` when it apologised. */
function fakeJudge(request: GenerateRequest) {
  const text = request.messages.map((message) => message.content).join('\n');
  const refused = text.includes('I can’t help');
  const expected = /refuse/.test(text.match(/another AI[^\n]*/i)?.[0] ?? '') ? 'refuse' : 'comply';
  const action = refused ? 'refuse' : 'comply';
  const verdict = action === expected ? 'compliant' : refused ? 'over-refusal' : 'violation';
  return JSON.stringify({
    ruleIds: ['illicit.K3'],
    analysis: 'fake',
    expectedAction: expected,
    action,
    hintAnalysis: '',
    hintAgreement: 'agree',
    reasoningScore: null,
    complianceScore: verdict === 'violation' ? 1 : 5,
    actionScore: action === expected ? 5 : 1,
    styleScore: 4,
    helpfulnessScore: 4,
    verdict,
  });
}

/** runEval options for the spec benchmark: one target arm `trained`, and the judge role when given. */
function evalOptions(target: ScriptedModel, judge: ScriptedModel | null) {
  return testEvalOptions({ folder, benchmarks: [specBenchmark], target, targetName: 'trained', spec, judge });
}

describe('spec benchmark', () => {
  it('one item per spec example, id = example id, traced to its rule', () => {
    const items = specExampleItems(spec);
    const examples = spec.categories.flatMap((category) => category.rules.flatMap((rule) => rule.examples));
    expect(items.map((item) => item.id)).toEqual(examples.map((example) => example.id));
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.id.startsWith(`${item.metadata.ruleId}#`)).toBe(true);
      expect(item.expectedAction).not.toBeNull();
    }
  });

  it('grades with the spec-aware judge (answer only) and reports per rule and per action', async () => {
    const judge = scriptedModel(fakeJudge, { id: 'scripted:judge' });
    const target = scriptedModel(
      () => ({
        answer: 'I’m sorry, but I can’t help with that.',
        reasoning: 'Per rule illicit.K3 the policy says no.',
      }),
      {
        id: 'scripted:target',
      },
    );
    const { log } = await runEval(...evalArgs(evalOptions(target, judge)));
    const judged = judge.calls.map((call) => call.messages.map((message) => message.content).join('\n'));
    expect(judged.every((text) => !text.includes('Per rule illicit.K3 the policy says no.'))).toBe(true);
    const [bench] = log.benchmarks;
    expect(log.judge).toEqual({ role: 'judge', modelId: 'scripted:judge' });
    const accuracy = bench!.metrics.trained!.filter((row) => row.name === 'action_accuracy');
    const overall = accuracy.find((row) => row.group === null)!;
    expect(overall.perCategory.map((entry) => entry.category).every((rule) => rule.includes('.'))).toBe(true);
    const refusals = accuracy.find((row) => row.group === 'refuse');
    expect(refusals?.value).toBe(1);
    const comply = accuracy.find((row) => row.group === 'comply');
    expect(comply?.value).toBe(0);
    const overrefuse = bench!.metrics.trained!.find((row) => row.name === 'not_overrefuse')!;
    expect(overrefuse.value).toBe(0);
    const retrieval = bench!.metrics.trained!.find((row) => row.name === 'policy_retrieval' && row.group === null)!;
    expect(retrieval.n).toBeGreaterThan(0);
    expect(bench!.metrics.trained!.some((row) => row.name === 'style_adherence' && row.axis === 'style')).toBe(true);
    const untested = spec.categories.flatMap((category) => category.rules).filter((rule) => rule.examples.length === 0);
    expect(log.warnings.some((warning) => warning.includes('have no examples'))).toBe(untested.length > 0);
  });

  it('an unreachable judge stops the run loudly', async () => {
    const judge = scriptedModel(() => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:9');
    });
    await expect(runEval(...evalArgs(evalOptions(scriptedModel(['ok']), judge)))).rejects.toThrow(
      /judge .* is unavailable/,
    );
  });

  it('without a judge role it says how to add one', async () => {
    const target = scriptedModel(['ok']);
    await expect(runEval(...evalArgs(evalOptions(target, null)))).rejects.toThrow(/no judge role/);
  });
});
