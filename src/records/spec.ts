import { z } from 'zod';
import { Action } from './action.js';
import { Message } from './message.js';

/** Where a piece of the spec was written: used in every error and warning. */
export const SourceLocation = z.object({
  file: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
});
export type SourceLocation = z.infer<typeof SourceLocation>;

export const Definition = z.object({ term: z.string(), text: z.string() });
export type Definition = z.infer<typeof Definition>;

/** A user request and the action the spec expects; optional good and bad responses. Seeds the `spec` benchmark. */
export const SpecExample = z.object({
  /** Stable id: `<ruleId>#<n>` (1-based position within the rule). */
  id: z.string(),
  request: z.string(),
  /** Earlier turns, for multi-turn examples (the request is the last user turn). */
  context: z.array(Message).default([]),
  expectedAction: Action,
  note: z.string().optional(),
  good: z.string().optional(),
  bad: z.string().optional(),
  location: SourceLocation,
});
export type SpecExample = z.infer<typeof SpecExample>;

/** The paper's "Excludes:" clause: when `condition` holds, the rule does not apply and `redirectRuleId` does. */
export const Exclude = z.object({ condition: z.string(), redirectRuleId: z.string(), location: SourceLocation });
export type Exclude = z.infer<typeof Exclude>;

/** Which of the spec's exceptions a rule decides: `transformation` (translate, summarise, classify… user-supplied text). */
export const RuleException = z.enum(['transformation']);
export type RuleException = z.infer<typeof RuleException>;

/**
 * What a rule governs: `safety` (the default: a boundary that decides the action: comply, refuse, safe-complete or
 * escalate) or `behavioural` (how a compliant answer is written: format, tone, scope, citations; the action is
 * always the complying one). Written `kind=behavioural` in the rule's attribute block.
 */
export const RuleKind = z.enum(['safety', 'behavioural']);
export type RuleKind = z.infer<typeof RuleKind>;

export const Rule = z.object({
  /** Unique across the spec and stable: cited in reasoning, judgements and audit logs (e.g. `illicit.K3`). */
  id: z.string(),
  title: z.string(),
  action: Action,
  /** The rule's Markdown text, as the model reads it. */
  text: z.string(),
  examples: z.array(SpecExample),
  excludes: z.array(Exclude),
  /** Set by `exception=transformation`: this rule's action is the expected action of transformation requests on
   * content of its category (the `transformation` benchmark reads it). At most one rule per category. */
  exception: RuleException.optional(),
  /** Set only for `kind=behavioural` (absent = a safety rule, so specs without kinds keep their hash). */
  kind: z.literal('behavioural').optional(),
  location: SourceLocation,
});
export type Rule = z.infer<typeof Rule>;

export const Category = z.object({
  id: z.string(),
  title: z.string(),
  /** One paragraph, shown for every category in every rendering. */
  summary: z.string(),
  /** MLCommons / Llama Guard 3 hazard codes this category covers (S1..S14). */
  hazards: z.array(z.string()),
  definitions: z.array(Definition),
  rules: z.array(Rule),
  /** Free Markdown between the definitions and the rules (scope notes, context), rendered with the full text. */
  notes: z.string(),
  location: SourceLocation,
});
export type Category = z.infer<typeof Category>;

/** A rule's kind: `behavioural` when marked so, else `safety`. */
export function ruleKindOf(rule: Pick<Rule, 'kind'>): RuleKind {
  return rule.kind ?? 'safety';
}

/** How to respond once the action is chosen. `categoryId` set = an override for that category. */
export const StyleGuide = z.object({
  id: z.string(),
  title: z.string(),
  action: Action,
  categoryId: z.string().nullable(),
  text: z.string(),
  goodExamples: z.array(z.string()),
  badExamples: z.array(z.string()),
  location: SourceLocation,
});
export type StyleGuide = z.infer<typeof StyleGuide>;

/** One precedence statement: when several apply, `prefer` wins over each of `over` (category or rule ids). */
export const PrecedenceRule = z.object({
  prefer: z.string(),
  over: z.array(z.string()),
  note: z.string().optional(),
  location: SourceLocation,
});
export type PrecedenceRule = z.infer<typeof PrecedenceRule>;

/** The parsed safety specification. `hash` is the sha256 of its canonical form. */
export const Spec = z.object({
  id: z.string(),
  version: z.string(),
  hash: z.string(),
  title: z.string(),
  globalSummary: z.string(),
  principles: z.string(),
  /** Precedence in prose (rendered) and as checked statements. */
  precedenceText: z.string(),
  precedence: z.array(PrecedenceRule),
  categories: z.array(Category),
  styleGuides: z.array(StyleGuide),
  /** The files the spec was read from, in reading order: the spec path as given, joined with the path inside a folder. */
  files: z.array(z.string()),
});
export type Spec = z.infer<typeof Spec>;

/** One problem found by `spec check`. */
export const SpecDiagnostic = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  location: SourceLocation,
});
export type SpecDiagnostic = z.infer<typeof SpecDiagnostic>;
