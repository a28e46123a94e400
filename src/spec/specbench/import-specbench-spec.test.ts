import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataFolder } from '../../../test/helpers/shared-data.js';
import { twoScenarios, writeSpecBenchFixture } from '../../../test/helpers/specbench-fixture.js';
import { DataError } from '../../errors.js';
import { ruleKindOf } from '../../records/spec.js';
import { checkSpec, loadSpec } from '../load-spec.js';
import { renderSpec } from '../render-spec.js';
import { importSpecBenchSpec } from './import-specbench-spec.js';
import { specBenchSafetyAction } from './specbench-spec-files.js';

const temporary = () => mkdtempSync(path.join(os.tmpdir(), 'specbench-import-'));

describe('spec import specbench', () => {
  it('writes one category per scenario whose rules pass spec check, with stable ids, actions and kinds', async () => {
    const root = writeSpecBenchFixture(temporary(), twoScenarios);
    const out = path.join(temporary(), 'spec');
    const result = await importSpecBenchSpec({ source: root, out });
    expect(result.scenarios.map((entry) => [entry.id, entry.safetyRules, entry.behaviouralRules])).toEqual([
      ['child', 2, 2],
      ['travel', 1, 1],
    ]);
    const checked = await checkSpec(out);
    expect(checked.diagnostics.filter((entry) => entry.severity === 'error')).toEqual([]);
    const spec = await loadSpec(out);
    expect(spec.id).toBe('specbench');
    const child = spec.categories.find((category) => category.id === 'child')!;
    expect(child.title).toBe('Child storytelling');
    expect(child.rules.map((rule) => [rule.id, rule.action, ruleKindOf(rule), rule.text])).toEqual([
      ['child.S1', 'safe-complete', 'safety', 'Do not use profanity in a story.'],
      ['child.S2', 'refuse', 'safety', 'Never depict self-harm.'],
      ['child.B1', 'comply', 'behavioural', 'Give the story a title of four to eight words.'],
      ['child.B2', 'comply', 'behavioural', 'Answer the request as fully as the rules allow.'],
    ]);
    expect(spec.categories.find((category) => category.id === 'travel')!.rules[0]).toMatchObject({
      id: 'travel.S1',
      action: 'refuse',
    });
    // Rendered for teacher and judge, a behavioural rule shows its kind.
    expect(renderSpec(spec, { categoryIds: ['child'] })).toContain(
      '#### child.B1 (behavioural): Behavioural specification 1',
    );
  });

  it('imports a single scenario folder as a one-category spec, and the same input twice gives the same hash', async () => {
    const root = writeSpecBenchFixture(temporary(), twoScenarios);
    const first = path.join(temporary(), 'a');
    const second = path.join(temporary(), 'b');
    await importSpecBenchSpec({ source: path.join(root, 'Travel'), out: first });
    await importSpecBenchSpec({ source: path.join(root, 'Travel'), out: second });
    const [a, b] = [await loadSpec(first), await loadSpec(second)];
    expect(a.id).toBe('specbench-travel');
    expect(a.categories.map((category) => category.id)).toEqual(['travel']);
    expect(a.hash).toBe(b.hash);
  });

  it('refuses a non-empty --out unless forced, and leaves no temporary folder behind', async () => {
    const root = writeSpecBenchFixture(temporary(), twoScenarios);
    const parent = temporary();
    const out = path.join(parent, 'spec');
    mkdirSync(out);
    writeFileSync(path.join(out, 'keep.md'), 'mine');
    await expect(importSpecBenchSpec({ source: root, out })).rejects.toThrow(/exists and is not empty.*|--force/);
    expect(readFileSync(path.join(out, 'keep.md'), 'utf8')).toBe('mine');
    await importSpecBenchSpec({ source: root, out, force: true });
    expect(existsSync(path.join(out, 'keep.md'))).toBe(false);
    expect(readdirSync(parent)).toEqual(['spec']);
  });

  it('names the file and field of a malformed scenario, and writes nothing', async () => {
    const root = writeSpecBenchFixture(temporary(), [{ folder: 'Code', safety: [], behavioural: ['x'] }]);
    const parent = temporary();
    const error = await importSpecBenchSpec({ source: root, out: path.join(parent, 'spec') }).catch((caught) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect(error.format()).toContain('safety_specifications');
    expect(error.format()).toContain(path.join(root, 'Code', 'specifications.json'));
    expect(readdirSync(parent)).toEqual([]);
  });

  it('takes refuse for specifications that open with Refuse, Reject or Never, safe-complete otherwise', () => {
    expect(specBenchSafetyAction('Refuse to help.')).toBe('refuse');
    expect(specBenchSafetyAction('reject any bypass')).toBe('refuse');
    expect(specBenchSafetyAction('Never disclose secrets')).toBe('refuse');
    expect(specBenchSafetyAction('Do not provide recipes')).toBe('safe-complete');
    expect(specBenchSafetyAction('Nevertheless, answer')).toBe('safe-complete');
  });

  const shared = sharedDataFolder('specbench');
  it.skipIf(shared === null)(
    'imports all five SpecBench scenarios (103 specifications) and spec check passes',
    async () => {
      const out = path.join(temporary(), 'spec');
      const result = await importSpecBenchSpec({ source: shared!, out });
      expect(result.scenarios.map((entry) => entry.id)).toEqual(['biochem', 'child', 'code', 'health', 'travel']);
      const spec = await loadSpec(out);
      expect(spec.categories.flatMap((category) => category.rules)).toHaveLength(103);
      for (const folder of ['Biochem', 'Child', 'Code', 'Health', 'Travel']) {
        const single = path.join(temporary(), folder);
        await importSpecBenchSpec({ source: path.join(shared!, folder), out: single });
        expect((await checkSpec(single)).spec, `${folder} passes spec check`).not.toBeNull();
      }
    },
  );
});
