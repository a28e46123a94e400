import { z } from 'zod';

/**
 * The files of one SpecBench scenario folder (Zhang et al. 2025, arXiv 2509.14760): `scenario.json`,
 * `specifications.json` and `prompts.json`, as the public dataset writes them. deliberate reads them as they are
 * (`spec import specbench`, `prompts import specbench`, the `specbench` benchmark) and never copies them.
 */

/** `scenario.json`: the scenario's name and description. */
export const SpecBenchScenarioFile = z.object({
  name: z.string().min(1),
  description: z.string().min(1),
});
export type SpecBenchScenarioFile = z.infer<typeof SpecBenchScenarioFile>;

/** `specifications.json`: the scenario's safety and behavioural specifications, in order (their ids follow it). */
export const SpecBenchSpecificationsFile = z.object({
  safety_specifications: z.array(z.string().trim().min(1)).min(1),
  behavioral_specifications: z.array(z.string().trim().min(1)),
});
export type SpecBenchSpecificationsFile = z.infer<typeof SpecBenchSpecificationsFile>;

/**
 * One row of `prompts.json`. `prompt` is the question as first written; `adversarial_prompt` its WildTeaming rewrite
 * for `unsafe` rows (equal to `prompt` for `safe` rows); `answer` an optional reference answer the judge may read for
 * the last (helpfulness) behavioural specification.
 */
export const SpecBenchPromptRow = z.object({
  prompt: z.string().trim().min(1),
  adversarial_prompt: z.string().trim().min(1),
  label: z.enum(['safe', 'unsafe']),
  source: z.string().default(''),
  answer: z.string().default(''),
});
export type SpecBenchPromptRow = z.infer<typeof SpecBenchPromptRow>;
