import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore } from '../io/run-store.js';
import { createModelClient } from '../models/generate.js';
import { GenerateSettings } from '../records/pipeline-settings.js';
import { Prompt } from '../records/prompt.js';
import type { Spec } from '../records/spec.js';
import { loadSpec } from '../spec/load-spec.js';
import { scriptedModel } from '../testing/scripted-model.js';
import { generateSamples, generationUnitKey, generationUnits } from './generate-samples.js';
import { loadGenerationTemplate } from './generation-template.js';
import { createRunEvents } from './run-events.js';

let spec: Spec;
const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-generate-'));
beforeAll(async () => {
  spec = await loadSpec(path.resolve(import.meta.dirname, '../spec/__fixtures__/tiny-spec'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const prompts = ['a', 'b', 'c'].map((id) =>
  Prompt.parse({ id, messages: [{ role: 'user', content: `How do locks work, ${id}?` }] }),
);

describe('generateSamples', () => {
  it("runs the units its caller computed (the run's), not a second computation of them", async () => {
    const teacher = createModelClient(scriptedModel(() => ({ answer: 'Pins.', reasoning: 'Allowed.' })));
    const options = {
      prompts,
      spec,
      teacher,
      template: loadGenerationTemplate(),
      settings: GenerateSettings.parse({ samples: 2 }),
    };
    const units = generationUnits(options);
    expect(units).toHaveLength(6);
    const store = openRunStore(path.join(folder, 'run.sqlite'));
    const handed: Array<[string, string]> = [];
    try {
      const records = await generateSamples({
        ...options,
        units: units.slice(0, 2),
        store,
        events: createRunEvents(),
        concurrency: 2,
        onCompletion: (key, completion) => {
          // Handed over once stored: the run validates it then instead of reading it back.
          expect(store.get('generate', key)).toBeDefined();
          handed.push([key, completion.answer]);
        },
      });
      expect([...records.keys()]).toEqual(units.slice(0, 2).map((unit) => unit.key));
      expect(handed.sort()).toEqual(
        units
          .slice(0, 2)
          .map((unit) => [unit.key, 'Pins.'])
          .sort(),
      );
    } finally {
      store.close();
    }
  });
});

describe('generationUnits', () => {
  it("gives each unit generationUnitKey's key, whichever sampling settings are set or left out", () => {
    const teacher = createModelClient(scriptedModel(() => ({ answer: 'Pins.', reasoning: 'Allowed.' })));
    const template = loadGenerationTemplate();
    const many = [
      ...prompts,
      Prompt.parse({
        id: '7',
        categories: ['self-harm', 'illicit'],
        messages: [{ role: 'user', content: 'Hi "there"\n' }],
      }),
    ];
    const variants = [
      { samples: 3 },
      { samples: 2, topP: 0.9, maxTokens: 64, seed: 41, temperature: 0.3 },
      { samples: 1, specPlacement: 'user' },
    ];
    for (const variant of variants) {
      const settings = GenerateSettings.parse(variant);
      const units = generationUnits({ prompts: many, spec, teacher, template, settings });
      expect(units).toHaveLength(many.length * settings.samples);
      for (const unit of units) {
        const definition = generationUnitKey({
          prompt: unit.prompt,
          spec,
          template,
          teacher,
          settings,
          sampleIndex: unit.sampleIndex,
        });
        expect(unit.key).toBe(definition);
      }
    }
  });
});
