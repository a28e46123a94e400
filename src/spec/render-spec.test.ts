import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSpecBenchFixture } from '../../test/helpers/specbench-fixture.js';
import { SpecError } from '../errors.js';
import { loadSpec } from './load-spec.js';
import { behaviouralRulesNote, renderSpec } from './render-spec.js';
import { importSpecBenchSpec } from './specbench/import-specbench-spec.js';

const tinySpec = path.join(import.meta.dirname, '__fixtures__/tiny-spec');

describe('renderSpec', () => {
  it('renders each category byte-identically across two loads and renders', async () => {
    const first = await loadSpec(tinySpec);
    const second = await loadSpec(tinySpec);
    for (const category of first.categories) {
      const a = renderSpec(first, { categoryIds: [category.id] });
      const b = renderSpec(second, { categoryIds: [category.id] });
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    }
  });

  it('spec(category): header, every summary, the chosen rules with ids and actions, none of the other rules', async () => {
    const spec = await loadSpec(tinySpec);
    const text = renderSpec(spec, { categoryIds: ['illicit'] });
    expect(text).toContain('Spec tiny-safety, version 0.1.0');
    // The whole-spec hash is not in the text: an edit elsewhere must not change this request.
    expect(text).not.toContain(spec.hash);
    expect(text).toContain(spec.globalSummary);
    expect(text).toContain('Be helpful and direct.');
    expect(text).toContain('When a request touches both categories, the self-harm rules win.');
    expect(text).toContain('- self-harm takes precedence over illicit: A person at risk comes first.');
    for (const category of spec.categories) {
      expect(text).toContain(`### ${category.title} (${category.id})\n\n${category.summary}`);
    }
    expect(text).toContain('#### illicit.K0 (comply): Neutral information');
    expect(text).toContain('#### illicit.K3 (refuse): Instructions for wrongdoing');
    expect(text).toContain('- When the user has stated an intent to commit the wrongdoing: apply illicit.K3 instead.');
    expect(text).toContain(`- "How do pin tumbler locks work?" → comply.`);
    expect(text).toContain('- **Wrongdoing**: any illegal act');
    for (const rule of spec.categories[1]!.rules) {
      expect(text).not.toContain(rule.id);
      expect(text).not.toContain(rule.text);
    }
    // The self-harm style override belongs to self-harm only; comments never reach a model.
    expect(text).not.toContain('self-harm.style.safe-complete');
    expect(text).toContain('### Refusal (style.refuse; action refuse)');
    expect(text).not.toContain('Reviewer note');
    expect(text).not.toContain('<!--');
    // Summaries come before style guides, which come before the full text.
    expect(text.indexOf('## Categories')).toBeLessThan(text.indexOf('## Style guides'));
    expect(text.indexOf('## Style guides')).toBeLessThan(text.indexOf('## Category Illicit behaviour (illicit)'));
  });

  it('includes the chosen category style overrides and multi-turn examples', async () => {
    const spec = await loadSpec(tinySpec);
    const text = renderSpec(spec, { categoryIds: ['self-harm'] });
    expect(text).toContain('### Self-harm safe completion (self-harm.style.safe-complete; action safe-complete;');
    expect(text).toContain('  Earlier turns: user: "I had a terrible week." / assistant: "I\'m sorry to hear that.');
  });

  it('multi-label renders every chosen category in spec order, whatever the order asked', async () => {
    const spec = await loadSpec(tinySpec);
    const text = renderSpec(spec, { categoryIds: ['self-harm', 'illicit'] });
    expect(text).toBe(renderSpec(spec, { categoryIds: ['illicit', 'self-harm'] }));
    expect(text.indexOf('## Category Illicit behaviour')).toBeLessThan(text.indexOf('## Category Self-harm'));
  });

  it('summary-only has every summary and no rule text, rule id or category style override', async () => {
    const spec = await loadSpec(tinySpec);
    const text = renderSpec(spec, { summaryOnly: true });
    for (const category of spec.categories) {
      expect(text).toContain(category.summary);
      for (const rule of category.rules) {
        expect(text).not.toContain(rule.text);
        expect(text).not.toContain(rule.id);
      }
    }
    expect(text).not.toContain('## Category ');
    expect(text).not.toContain('self-harm.style');
    expect(text).toContain(`version ${spec.version}`);
    expect(text).not.toContain(spec.hash);
    expect(renderSpec(spec, { categoryIds: [] })).toBe(text);
  });

  it('says once, before the rules, what behavioural rules govern, only in a category that has some', async () => {
    const root = writeSpecBenchFixture(mkdtempSync(path.join(os.tmpdir(), 'render-behavioural-')), [
      { folder: 'Child', safety: ['Never depict self-harm.'], behavioural: ['Give the story a title.', 'Be kind.'] },
      { folder: 'Travel', safety: ['Refuse to plan visits to military sites.'], behavioural: [] },
    ]);
    const out = path.join(root, 'spec');
    await importSpecBenchSpec({ source: root, out });
    const spec = await loadSpec(out);
    const child = renderSpec(spec, { categoryIds: ['child'] });
    expect(child.split(behaviouralRulesNote)).toHaveLength(2);
    expect(child).toContain(`### Rules\n\n${behaviouralRulesNote}\n\n#### child.S1`);
    expect(renderSpec(spec, { categoryIds: ['travel'] })).not.toContain(behaviouralRulesNote);
    expect(renderSpec(spec, { summaryOnly: true })).not.toContain(behaviouralRulesNote);
    expect(renderSpec(await loadSpec(tinySpec), { categoryIds: ['illicit', 'self-harm'] })).not.toContain(
      behaviouralRulesNote,
    );
    expect(behaviouralRulesNote).toMatch(/never decide whether to help/);
  });

  it('an unknown category id is a SpecError naming the known ids', async () => {
    const spec = await loadSpec(tinySpec);
    expect(() => renderSpec(spec, { categoryIds: ['crime'] })).toThrow(SpecError);
    try {
      renderSpec(spec, { categoryIds: ['crime'] });
    } catch (error) {
      expect((error as SpecError).message).toBe('unknown category "crime" in spec tiny-safety');
      expect((error as SpecError).hint).toBe('known categories: illicit, self-harm');
    }
  });
});
