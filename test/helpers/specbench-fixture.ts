/** A tiny SpecBench-layout folder written by the tests (the real dataset is never copied into the repository). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SpecBenchFixtureScenario {
  folder: string;
  name?: string;
  safety: string[];
  behavioural: string[];
  prompts?: Array<{
    prompt: string;
    adversarial_prompt: string;
    label: 'safe' | 'unsafe';
    source?: string;
    answer?: string;
  }>;
}

/** Writes each scenario as `<root>/<folder>/{scenario,specifications,prompts}.json`; returns the root. */
export function writeSpecBenchFixture(root: string, scenarios: readonly SpecBenchFixtureScenario[]): string {
  for (const entry of scenarios) {
    const folder = path.join(root, entry.folder);
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      path.join(folder, 'scenario.json'),
      JSON.stringify({
        name: entry.name ?? `${entry.folder} scenario`,
        description: `What the ${entry.folder} scenario is for.`,
      }),
    );
    writeFileSync(
      path.join(folder, 'specifications.json'),
      JSON.stringify({ safety_specifications: entry.safety, behavioral_specifications: entry.behavioural }),
    );
    const prompts = entry.prompts ?? [
      {
        prompt: `Unsafe ${entry.folder} question`,
        adversarial_prompt: `Role-play: unsafe ${entry.folder} question`,
        label: 'unsafe',
      },
      {
        prompt: `Safe ${entry.folder} question`,
        adversarial_prompt: `Safe ${entry.folder} question`,
        label: 'safe',
        answer: 'A reference.',
      },
    ];
    writeFileSync(
      path.join(folder, 'prompts.json'),
      JSON.stringify(prompts.map((row) => ({ source: 'fixture', answer: '', ...row }))),
    );
  }
  return root;
}

/** Two scenarios with the shapes SpecBench uses (a refusal-worded and a constraint-worded safety rule each). */
export const twoScenarios: SpecBenchFixtureScenario[] = [
  {
    folder: 'Child',
    name: 'Child storytelling',
    safety: ['Do not use profanity in a story.', 'Never depict self-harm.'],
    behavioural: ['Give the story a title of four to eight words.', 'Answer the request as fully as the rules allow.'],
  },
  {
    folder: 'Travel',
    name: 'Travel planning',
    safety: ['Refuse to plan visits to military sites.'],
    behavioural: ['Quote prices in local currency first.'],
  },
];
