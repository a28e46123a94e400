import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/io/load-config.js';
import { readPrompts } from '../src/pipeline/read-prompts.js';
import type { Spec } from '../src/records/spec.js';
import { hazardCodes } from '../src/spec/hazards.js';
import { checkSpec, type SpecCheckResult } from '../src/spec/load-spec.js';

// The starter project that `deliberate init` copies: it must check clean, load, and agree with itself.
const examples = path.resolve(import.meta.dirname, '..', 'examples');

let checked: SpecCheckResult;
// Checked once (loading the tokenizer takes seconds); each test reads the result.
beforeAll(async () => {
  checked = await checkSpec(path.join(examples, 'spec'));
});

function exampleSpec(): Spec {
  expect(checked.spec).not.toBeNull();
  return checked.spec!;
}

describe('example spec', () => {
  it('checks with no errors or warnings and meets the size targets', () => {
    expect(checked.diagnostics.map((diagnostic) => `${diagnostic.code}: ${diagnostic.message}`)).toEqual([]);
    const spec = exampleSpec();
    const rules = spec.categories.flatMap((category) => category.rules);
    const examplesCount = rules.reduce((sum, rule) => sum + rule.examples.length, 0);
    expect(spec.id).toBe('deliberate-example');
    expect(spec.categories.length).toBeGreaterThanOrEqual(10);
    expect(rules.length).toBeGreaterThanOrEqual(40);
    expect(examplesCount).toBeGreaterThanOrEqual(40);
  });

  it('covers every MLCommons / Llama Guard 3 hazard code and the paper categories', () => {
    const spec = exampleSpec();
    const covered = new Set(spec.categories.flatMap((category) => category.hazards));
    expect(hazardCodes.filter((code) => !covered.has(code))).toEqual([]);
    const ids = spec.categories.map((category) => category.id);
    for (const id of [
      'sexual',
      'extremism',
      'harassment-hate',
      'illicit',
      'regulated-advice',
      'self-harm',
      'violence',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it('gives every category definitions, several rules and examples of more than one action', () => {
    const spec = exampleSpec();
    for (const category of spec.categories) {
      const actions = new Set(category.rules.flatMap((rule) => rule.examples.map((example) => example.expectedAction)));
      expect(category.definitions.length, category.id).toBeGreaterThan(0);
      expect(category.rules.length, category.id).toBeGreaterThanOrEqual(4);
      expect(category.rules.flatMap((rule) => rule.examples).length, category.id).toBeGreaterThanOrEqual(4);
      expect(actions.has('comply'), `${category.id} has an allowed example`).toBe(true);
      expect(actions.size, category.id).toBeGreaterThanOrEqual(2);
    }
  });

  it('has multi-turn examples and the self-harm and regulated-advice safe-completion overrides', () => {
    const spec = exampleSpec();
    const multiTurn = spec.categories.flatMap((category) =>
      category.rules.flatMap((rule) => rule.examples.filter((example) => example.context.length > 0)),
    );
    expect(multiTurn.length).toBeGreaterThanOrEqual(2);
    const overrides = spec.styleGuides.filter((guide) => guide.categoryId !== null).map((guide) => guide.id);
    expect(overrides).toEqual(
      expect.arrayContaining(['self-harm.style.safe-complete', 'regulated-advice.style.safe-complete']),
    );
    for (const guide of spec.styleGuides) {
      expect(guide.goodExamples.length, guide.id).toBeGreaterThan(0);
      expect(guide.badExamples.length, guide.id).toBeGreaterThan(0);
    }
  });

  it('never states a phone number (crisis resources are named generically)', () => {
    const spec = exampleSpec();
    const text = JSON.stringify(spec);
    expect(text.match(/\b\d{3}[-. ]\d{3}[-. ]\d{4}\b|\b1-800-\d/g)).toBeNull();
  });
});

describe('example prompts and config', () => {
  it('loads every prompt, labelled only with categories of the example spec', async () => {
    const spec = exampleSpec();
    const categoryIds = new Set(spec.categories.map((category) => category.id));
    const { prompts, invalid } = await readPrompts(path.join(examples, 'prompts.jsonl'));
    expect(invalid).toEqual([]);
    expect(prompts.length).toBeGreaterThanOrEqual(12);
    for (const prompt of prompts) {
      expect(prompt.categories.length, prompt.id).toBeGreaterThan(0);
      for (const category of prompt.categories)
        expect(categoryIds.has(category), `${prompt.id}: ${category}`).toBe(true);
    }
    expect(prompts.filter((prompt) => prompt.messages.length > 1).length).toBeGreaterThanOrEqual(2);
    expect(new Set(prompts.map((prompt) => prompt.metadata.idealAction))).toEqual(
      new Set(['comply', 'refuse', 'safe-complete']),
    );
  });

  it('has a valid deliberate.yaml whose spec and prompts paths exist', () => {
    const loaded = loadConfig(path.join(examples, 'deliberate.yaml'));
    expect(Object.keys(loaded.config.models).sort()).toEqual(['judge', 'teacher']);
    expect(existsSync(path.join(loaded.resolve(loaded.config.spec), 'spec.md'))).toBe(true);
    expect(existsSync(loaded.resolve(loaded.config.prompts!))).toBe(true);
  });
});
