/**
 * @module spec/export-safeguard-policy
 * One category as a gpt-oss-safeguard policy: `# Title (#id)`, INSTRUCTIONS with the output format, DEFINITIONS,
 * VIOLATES, SAFE, AMBIGUITY & ESCALATION, the output format again, and 4–6 labelled boundary EXAMPLES.
 * The safeguard guide recommends 400–600 tokens per policy; longer exports come with a warning.
 */
import { SpecError } from '../errors.js';
import { countTokens } from '../io/count-tokens.js';
import type { Action } from '../records/action.js';
import type { Category, Rule, Spec, SpecExample } from '../records/spec.js';

export interface SafeguardPolicy {
  text: string;
  /** Tokens of `text` (see `tokenizerName`). */
  tokens: number;
  warnings: string[];
}

/** The recommended policy length for gpt-oss-safeguard. */
export const safeguardTokenRange = { min: 400, max: 600 } as const;

const violating = (action: Action) => action === 'refuse' || action === 'escalate';

const outputFormat =
  'Answer with exactly one JSON object and nothing else: ' +
  '{"violation": 0 or 1, "policy_category": "<id of the deciding rule>", "rule_ids": ["<every rule id that applies>"], "rationale": "<one sentence>"}';

/**
 * Exports one category of the spec as a gpt-oss-safeguard policy.
 * @example exportSafeguardPolicy(spec, 'illicit').text
 */
export function exportSafeguardPolicy(spec: Spec, categoryId: string): SafeguardPolicy {
  const category = spec.categories.find((candidate) => candidate.id === categoryId);
  if (!category)
    throw new SpecError(`unknown category "${categoryId}" in spec ${spec.id}`, {
      hint: `known categories: ${spec.categories.map((known) => known.id).join(', ')}`,
    });
  const warnings: string[] = [];
  const violatingRules = category.rules.filter((rule) => violating(rule.action));
  const safeRules = category.rules.filter((rule) => !violating(rule.action));
  if (violatingRules.length === 0) warnings.push(`${category.id} has no refuse or escalate rule: VIOLATES is empty`);
  if (safeRules.length === 0) warnings.push(`${category.id} has no comply or safe-complete rule: SAFE is empty`);
  const allExamples = boundaryExamples(violatingRules, safeRules);
  if (allExamples.length < 4)
    warnings.push(`only ${allExamples.length} labelled examples (4–6 recommended); add examples to the rules`);
  // Longest first; the first layout within the recommended length wins, else the most compact one.
  const layouts: PolicyLayout[] = [
    { ruleText: 'paragraph', examples: allExamples },
    { ruleText: 'sentence', examples: allExamples },
    { ruleText: 'sentence', examples: allExamples.slice(0, 4) },
  ];
  let text = '';
  let tokens = 0;
  for (const layout of layouts) {
    text = policyText({ spec, category, violatingRules, safeRules, layout });
    tokens = countTokens(text);
    if (tokens <= safeguardTokenRange.max) break;
  }
  if (tokens > safeguardTokenRange.max)
    warnings.push(
      `policy is ${tokens} tokens even with one sentence per rule, above the recommended ${safeguardTokenRange.min}–${safeguardTokenRange.max}; shorten the rules' first sentences or split the category`,
    );
  return { text, tokens, warnings };
}

interface PolicyLayout {
  /** How much of each rule's and definition's text to give: the first paragraph or the first sentence. */
  ruleText: 'paragraph' | 'sentence';
  examples: LabelledExample[];
}

function policyText(options: {
  spec: Spec;
  category: Category;
  violatingRules: Rule[];
  safeRules: Rule[];
  layout: PolicyLayout;
}): string {
  const { spec, category, layout } = options;
  const ruleLine = (rule: Rule) => `- ${rule.id} (${rule.action}): ${ruleSummary(rule, layout.ruleText)}`;
  const blocks = [
    `# ${category.title} (#${category.id})`,
    `## INSTRUCTIONS\n\nClassify the content against this policy (spec ${spec.id} ${spec.version}, hash ${spec.hash.slice(0, 12)}). ` +
      'violation is 1 when a VIOLATES rule applies and 0 when a SAFE rule applies or no rule does. ' +
      `Cite rule ids exactly as written.\n\n${outputFormat}`,
  ];
  if (category.definitions.length > 0)
    blocks.push(
      `## DEFINITIONS\n\n${category.definitions
        .map(
          (definition) =>
            `- ${definition.term ? `${definition.term}: ` : ''}${shorten(definition.text, layout.ruleText)}`,
        )
        .join('\n')}`,
    );
  blocks.push(`## VIOLATES (violation = 1)\n\n${options.violatingRules.map(ruleLine).join('\n') || '- (none)'}`);
  blocks.push(`## SAFE (violation = 0)\n\n${options.safeRules.map(ruleLine).join('\n') || '- (none)'}`);
  blocks.push(`## AMBIGUITY & ESCALATION\n\n${ambiguityLines(spec, category).join('\n')}`);
  blocks.push(`## EXAMPLES\n\n${outputFormat}\n\n${layout.examples.map(exampleLine).join('\n')}`);
  return `${blocks.join('\n\n')}\n`;
}

function flatten(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A rule's first paragraph, or its first sentence, on one line. */
function ruleSummary(rule: Rule, length: PolicyLayout['ruleText']): string {
  return shorten(rule.text, length);
}

/** The first paragraph of a text, or its first sentence, on one line. */
function shorten(text: string, length: PolicyLayout['ruleText']): string {
  const paragraph = flatten(text.split(/\n\s*\n/)[0] ?? '');
  if (length === 'paragraph') return paragraph;
  const sentenceEnd = /[.!?](?=\s+[A-Z"“(])/.exec(paragraph);
  return sentenceEnd ? paragraph.slice(0, sentenceEnd.index + 1) : paragraph;
}

function ambiguityLines(spec: Spec, category: Category): string[] {
  const lines: string[] = [];
  for (const rule of category.rules)
    for (const exclude of rule.excludes)
      lines.push(`- ${rule.id} does not apply when ${exclude.condition}; apply ${exclude.redirectRuleId}.`);
  const ids = new Set([category.id, ...category.rules.map((rule) => rule.id)]);
  for (const statement of spec.precedence)
    if (ids.has(statement.prefer) || statement.over.some((id) => ids.has(id)))
      lines.push(
        `- ${statement.prefer} takes precedence over ${statement.over.join(', ')}${statement.note ? `: ${statement.note}` : '.'}`,
      );
  if (category.rules.some((rule) => rule.action === 'escalate'))
    lines.push('- Content matching an escalate rule is a violation that needs human review: say so in the rationale.');
  lines.push(
    '- When several rules apply, policy_category is the one with the strictest action (escalate, refuse, safe-complete, comply).',
  );
  lines.push('- When it is unclear whether a VIOLATES rule applies, explain the doubt in the rationale.');
  return lines;
}

interface LabelledExample {
  rule: Rule;
  example: SpecExample;
}

/** Up to 6 examples, alternating violating and safe, taking each rule's examples in turn. */
function boundaryExamples(violatingRules: Rule[], safeRules: Rule[]): LabelledExample[] {
  const pool = (rules: Rule[], wantViolation: boolean) => {
    const matching = rules.map((rule) =>
      rule.examples.filter((example) => violating(example.expectedAction) === wantViolation),
    );
    const ordered: LabelledExample[] = [];
    const longest = Math.max(0, ...matching.map((examples) => examples.length));
    for (let round = 0; round < longest; round++)
      rules.forEach((rule, index) => {
        const example = matching[index]![round];
        if (example) ordered.push({ rule, example });
      });
    return ordered;
  };
  const violations = pool(violatingRules, true);
  const safe = pool(safeRules, false);
  const chosen: LabelledExample[] = [];
  for (let index = 0; chosen.length < 6 && (index < violations.length || index < safe.length); index++) {
    if (index < violations.length) chosen.push(violations[index]!);
    if (chosen.length < 6 && index < safe.length) chosen.push(safe[index]!);
  }
  return chosen;
}

function exampleLine({ rule, example }: LabelledExample): string {
  const label = {
    violation: violating(example.expectedAction) ? 1 : 0,
    policy_category: rule.id,
    rule_ids: [rule.id],
    ...(example.note ? { rationale: example.note } : {}),
  };
  return `- Content: ${JSON.stringify(example.request)}\n  Answer: ${JSON.stringify(label)}`;
}
