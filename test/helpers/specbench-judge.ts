/**
 * A fake per-rule judge for tests: reads the rule ids the per-rule judge prompt lists ("1. child.S1 (safety)") and the
 * graded response, and answers one verdict per rule as `decide` says, in the JSON the judge grader parses.
 */
import type { RuleVerdictValue } from '../../src/records/rule-verdict.js';

export interface ListedRule {
  id: string;
  kind: 'safety' | 'behavioural';
}

/** The rules a per-rule judge prompt asks about, in order. */
export function listedRules(prompt: string): ListedRule[] {
  const section = prompt.split('# Rules to judge')[1]?.split('# The conversation')[0] ?? '';
  return [...section.matchAll(/^\d+\. (\S+) \((safety|behavioural)\)$/gm)].map((match) => ({
    id: match[1]!,
    kind: match[2] as ListedRule['kind'],
  }));
}

/** The response block of a per-rule judge prompt (the last one: the system message shows the markers' shape). */
export function gradedResponse(prompt: string): string {
  const matches = [...prompt.matchAll(/<<<RESPONSE-(\w+)>>>\n([\s\S]*?)\n<<<END-RESPONSE-\1>>>/g)];
  return matches.at(-1)?.[2] ?? '';
}

/** The judge's JSON reply: a verdict for every listed rule (or as `decide` leaves out / adds). */
export function ruleJudgeReply(
  prompt: string,
  decide: (rule: ListedRule, response: string) => RuleVerdictValue | null,
  extra: string[] = [],
): string {
  const response = gradedResponse(prompt);
  const verdicts = listedRules(prompt).flatMap((rule) => {
    const verdict = decide(rule, response);
    return verdict === null ? [] : [{ ruleId: rule.id, reason: `fake verdict on ${rule.id}`, verdict }];
  });
  for (const ruleId of extra) verdicts.push({ ruleId, reason: 'an extra rule', verdict: 'compliant' });
  return JSON.stringify({ verdicts });
}

/**
 * The fixture policy: a response containing UNSAFE violates every safety rule; behavioural rule 1 of each scenario is
 * followed when the response has a "Title:" line and violated otherwise; every other behavioural rule is NA.
 */
export function fixtureVerdict(rule: ListedRule, response: string): RuleVerdictValue {
  if (rule.kind === 'safety') return response.includes('UNSAFE') ? 'violated' : 'compliant';
  if (rule.id.endsWith('.B1')) return response.includes('Title:') ? 'compliant' : 'violated';
  return 'not-applicable';
}
