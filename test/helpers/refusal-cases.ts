/** Our own labelled refusal cases (test/fixtures/refusal-*.jsonl): one schema and one loader for the tests that read them. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const RefusalCase = z.object({
  id: z.string(),
  kind: z.enum(['benign', 'harmful']),
  case: z.string(),
  style: z.string(),
  label: z.enum(['1_full_compliance', '2_full_refusal', '3_partial_refusal']),
  prompt: z.string(),
  completion: z.string(),
});
export type RefusalCase = z.infer<typeof RefusalCase>;

/** Reads test/fixtures/<fileName>, one case a line. */
export function loadRefusalCases(fileName: string): RefusalCase[] {
  const file = new URL(`../fixtures/${fileName}`, import.meta.url).pathname;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => RefusalCase.parse(JSON.parse(line)));
}
