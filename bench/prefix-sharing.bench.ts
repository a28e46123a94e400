/**
 * Prefix sharing: of the teacher's prompt tokens, the share that is a prefix common to the previous request of the
 * same category (what a serving engine's prefix cache, e.g. vLLM's automatic prefix caching, reuses instead of
 * recomputing). The example spec and prompts, the default template, spec placement `user` and `system`; Qwen3 tokens.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { countTokens } from '../src/io/count-tokens.js';
import { buildGenerationMessages, loadGenerationTemplate } from '../src/pipeline/generation-template.js';
import { loadSpec } from '../src/spec/load-spec.js';
import { specInContextText } from '../src/spec/spec-in-context.js';
import { repositoryRoot } from './bench-processes.js';
import type { Bench } from './bench-report.js';

function commonPrefixLength(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  let index = 0;
  while (index < length && a.charCodeAt(index) === b.charCodeAt(index)) index++;
  return index;
}

export async function run(bench: Bench): Promise<void> {
  const spec = await loadSpec(path.join(repositoryRoot, 'examples', 'spec'));
  const template = loadGenerationTemplate();
  const prompts = readFileSync(path.join(repositoryRoot, 'examples', 'prompts.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { prompt: string; categories?: string[] });
  for (const placement of ['user', 'system'] as const) {
    const previous = new Map<string, string>();
    let total = 0;
    let shared = 0;
    for (const prompt of prompts) {
      const categories = prompt.categories ?? [];
      const messages = buildGenerationMessages({
        template,
        specText: specInContextText(spec, categories),
        messages: [{ role: 'user', content: prompt.prompt }],
        placement,
      });
      const text = messages.map((message) => `<|${message.role}|>${message.content}`).join('');
      const key = categories.join(',');
      const before = previous.get(key);
      total += countTokens(text);
      if (before !== undefined) shared += countTokens(text.slice(0, commonPrefixLength(before, text)));
      previous.set(key, text);
    }
    bench.figure({
      id: `prefix-sharing.${placement}`,
      what: `teacher prompt tokens that repeat the previous request's prefix in the same category (example spec, ${prompts.length} prompts, spec placement ${placement})`,
      value: shared,
      unit: 'tokens',
      baseline: { what: 'all teacher prompt tokens', value: total },
      notes: 'ratio = share a prefix cache can reuse (the first request of each category has none)',
    });
  }
}
