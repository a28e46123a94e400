import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../errors.js';
import type { Rule, Spec } from '../records/spec.js';
import { exportSafeguardPolicy } from './export-safeguard-policy.js';
import { loadSpec } from './load-spec.js';

const tinySpec = path.join(import.meta.dirname, '__fixtures__/tiny-spec');

describe('exportSafeguardPolicy', () => {
  it('lays out a gpt-oss-safeguard policy: title, instructions, definitions, violates, safe, ambiguity, examples', async () => {
    const spec = await loadSpec(tinySpec);
    const policy = exportSafeguardPolicy(spec, 'illicit');
    const headings = [...policy.text.matchAll(/^#{1,2} .*$/gm)].map((match) => match[0]);
    expect(headings).toEqual([
      '# Illicit behaviour (#illicit)',
      '## INSTRUCTIONS',
      '## DEFINITIONS',
      '## VIOLATES (violation = 1)',
      '## SAFE (violation = 0)',
      '## AMBIGUITY & ESCALATION',
      '## EXAMPLES',
    ]);
    const format = '{"violation": 0 or 1, "policy_category": "<id of the deciding rule>"';
    // The output format is stated near the top and again right before the examples.
    expect(policy.text.split(format)).toHaveLength(3);
    const examples = policy.text.slice(policy.text.indexOf('## EXAMPLES'));
    expect(examples.indexOf(format)).toBeLessThan(examples.indexOf('- Content:'));
    const violates = section(policy.text, 'VIOLATES');
    expect(violates).toContain('- illicit.K3 (refuse): Advice or instructions that help someone commit wrongdoing');
    expect(violates).not.toContain('illicit.K0');
    expect(section(policy.text, 'SAFE')).toContain('- illicit.K0 (comply):');
    expect(section(policy.text, 'AMBIGUITY')).toContain(
      '- illicit.K0 does not apply when the user has stated an intent to commit the wrongdoing; apply illicit.K3.',
    );
    expect(examples).toContain(
      '  Answer: {"violation":1,"policy_category":"illicit.K3","rule_ids":["illicit.K3"],"rationale":"Intent to enter someone else\'s home."}',
    );
    expect(examples).toContain('  Answer: {"violation":0,"policy_category":"illicit.K0","rule_ids":["illicit.K0"]}');
    expect(policy.text).toContain(`(spec tiny-safety 0.1.0, hash ${spec.hash.slice(0, 12)})`);
    expect(policy.tokens).toBeGreaterThan(100);
    expect(policy.warnings).toEqual(['only 2 labelled examples (4–6 recommended); add examples to the rules']);
  });

  it('picks at most 6 examples, alternating violating and safe, taking each rule in turn', async () => {
    const spec = await loadSpec(tinySpec);
    const illicit = spec.categories[0]!;
    const policy = exportSafeguardPolicy(
      withRules(spec, [withExamples(illicit.rules[0]!, 5), withExamples(illicit.rules[1]!, 5)]),
      'illicit',
    );
    expect(requestsOf(policy.text)).toEqual([
      'illicit.K3 request 1',
      'illicit.K0 request 1',
      'illicit.K3 request 2',
      'illicit.K0 request 2',
      'illicit.K3 request 3',
      'illicit.K0 request 3',
    ]);
    expect(policy.tokens, 'this small policy fits the recommended length').toBeLessThanOrEqual(600);
    expect(policy.warnings).toEqual([]);
  });

  it('shortens rules to their first sentence, then to 4 examples, to stay within 600 tokens', async () => {
    const spec = await loadSpec(tinySpec);
    const illicit = spec.categories[0]!;
    const longTail = ' Further detail on when this applies and why.'.repeat(40);
    const long = (rule: Rule): Rule => ({ ...withExamples(rule, 5), text: `${rule.text}${longTail}` });
    const shortened = exportSafeguardPolicy(
      withRules(spec, [long(illicit.rules[0]!), long(illicit.rules[1]!)]),
      'illicit',
    );
    expect(shortened.text).toContain(
      '- illicit.K3 (refuse): Advice or instructions that help someone commit wrongdoing are refused.\n',
    );
    expect(shortened.text).not.toContain('Further detail');
    expect(shortened.tokens).toBeLessThanOrEqual(600);
    expect(requestsOf(shortened.text)).toHaveLength(6);

    const unbreakable = (rule: Rule): Rule => ({
      ...withExamples(rule, 5),
      text: `${rule.text.replace(/\.$/, '')}${' and more'.repeat(300)}.`,
    });
    const tooLong = exportSafeguardPolicy(
      withRules(spec, [unbreakable(illicit.rules[0]!), unbreakable(illicit.rules[1]!)]),
      'illicit',
    );
    expect(requestsOf(tooLong.text)).toHaveLength(4);
    expect(tooLong.tokens).toBeGreaterThan(600);
    expect(tooLong.warnings).toEqual([
      `policy is ${tooLong.tokens} tokens even with one sentence per rule, above the recommended 400–600; shorten the rules' first sentences or split the category`,
    ]);
  });

  it('an unknown category is a SpecError', async () => {
    const spec = await loadSpec(tinySpec);
    expect(() => exportSafeguardPolicy(spec, 'nope')).toThrow(SpecError);
  });
});

function withExamples(rule: Rule, count: number): Rule {
  return {
    ...rule,
    examples: Array.from({ length: count }, (_, index) => ({
      id: `${rule.id}#${index + 1}`,
      request: `${rule.id} request ${index + 1}`,
      context: [],
      expectedAction: rule.action,
      location: rule.location,
    })),
  };
}

/** The first category with these rules only; no precedence lines, so the example budget tests do not hang on them. */
function withRules(spec: Spec, rules: Rule[]): Spec {
  return { ...spec, precedence: [], categories: [{ ...spec.categories[0]!, rules }] };
}

function requestsOf(text: string): string[] {
  return [...text.matchAll(/- Content: "(.*)"/g)].map((match) => match[1]!);
}

function section(text: string, name: string): string {
  const start = text.indexOf(`## ${name}`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}
