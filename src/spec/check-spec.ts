/**
 * @module spec/check-spec
 * Checks across the whole spec once every file is read: unique ids, references that resolve, a style guide for each
 * action used, summaries, examples, token budgets and hazard coverage.
 */
import { countTokens, tokensOverLimit } from '../io/count-tokens.js';
import type { SourceLocation, Spec } from '../records/spec.js';
import { hazardCodes, hazardNames } from './hazards.js';
import { renderCategoryFullText } from './render-spec.js';
import type { SpecDiagnostics } from './spec-diagnostics.js';

export interface SpecBudgets {
  /** Tokens allowed for one category's full text (default 10,000: the paper's 5–10K per category). */
  tokenBudget: number;
  /** Tokens allowed for one category's summary (default 600). */
  summaryBudget: number;
}

export const defaultSpecBudgets: SpecBudgets = { tokenBudget: 10_000, summaryBudget: 600 };

/** Token counts measured while checking, for `spec check`'s report. */
export interface CategoryTokens {
  categoryId: string;
  fullText: number;
  summary: number;
}

/**
 * How many tokens the checks count: `all` every category's (spec check's report); `over-budget` only a text whose
 * bound exceeds its budget (the same budget warnings, no counts returned, and the tokenizer never loads for a spec
 * within its budgets); `none` no counts and no budget warnings.
 */
export type TokenMeasure = 'all' | 'over-budget' | 'none';

/** Runs the whole-spec checks; returns the token counts it measured (`measureTokens: 'all'`; else none). */
export function checkSpecContent(options: {
  spec: Spec;
  rootLocation: SourceLocation;
  /** Rules already reported as invalid: references to them are not reported again. */
  invalidRuleIds: readonly string[];
  budgets: SpecBudgets;
  diagnostics: SpecDiagnostics;
  measureTokens: TokenMeasure;
}): CategoryTokens[] {
  const { spec, diagnostics } = options;
  if (spec.categories.length === 0)
    diagnostics.error(
      'no-categories',
      'the spec has no categories',
      options.rootLocation,
      'add a category: a level-1 heading # Title {#category-id} with ## Summary and ## Rules',
    );
  if (spec.globalSummary === '')
    diagnostics.warning(
      'no-global-summary',
      'spec.md has no ## Summary',
      options.rootLocation,
      'add a short summary of what the spec covers; it is shown in every rendering',
    );
  checkUniqueIds(spec, diagnostics);
  checkReferences(spec, options.invalidRuleIds, diagnostics);
  checkStyleGuides(spec, diagnostics);
  checkOneTransformationRule(spec, diagnostics);
  // Errors already reported inside a category or rule (a rule dropped for a bad action, an invalid yaml block) explain
  // a missing rule or example: do not report the consequence a second time.
  const startsInFile = (file: string) =>
    spec.categories
      .flatMap((category) => [category.location, ...category.rules.map((rule) => rule.location)])
      .filter((location) => location.file === file)
      .map((location) => location.line)
      .sort((a, b) => a - b);
  const hasErrorIn = (location: SourceLocation, nextStarts: readonly number[]) => {
    const end = nextStarts.find((line) => line > location.line) ?? Number.POSITIVE_INFINITY;
    return diagnostics.items.some(
      (item) =>
        item.severity === 'error' &&
        item.location.file === location.file &&
        item.location.line > location.line &&
        item.location.line < end,
    );
  };
  const categoryStarts = (file: string) =>
    spec.categories
      .map((category) => category.location)
      .filter((location) => location.file === file)
      .map((location) => location.line)
      .sort((a, b) => a - b);
  for (const category of spec.categories) {
    if (category.summary === '')
      diagnostics.error(
        'no-summary',
        `category ${category.id} has no summary`,
        category.location,
        'add ## Summary with one paragraph; it is shown for every category in every rendering',
      );
    if (category.rules.length === 0 && !hasErrorIn(category.location, categoryStarts(category.location.file)))
      diagnostics.error(
        'no-rules',
        `category ${category.id} has no rules`,
        category.location,
        'add ## Rules with ### Title {#id action=...} headings',
      );
    for (const rule of category.rules) {
      if (rule.examples.length === 0 && !hasErrorIn(rule.location, startsInFile(rule.location.file)))
        diagnostics.warning(
          'rule-without-example',
          `rule ${rule.id} has no example`,
          rule.location,
          'add a ```yaml block with examples: [{request, action}]; examples seed the spec benchmark',
        );
    }
  }
  const tokens = checkTokenBudgets(spec, options.budgets, options.measureTokens, diagnostics);
  const uncovered = uncoveredHazards(spec);
  if (uncovered.length > 0)
    diagnostics.warning(
      'hazards-uncovered',
      `no category covers hazard ${uncovered.map((code) => `${code} ${hazardNames[code]}`).join(', ')}`,
      options.rootLocation,
      'add hazards="S…" to the category that covers them, or a category for them',
    );
  return tokens;
}

/** The budget warnings; the counts when `measure` is `all`. */
function checkTokenBudgets(
  spec: Spec,
  budgets: SpecBudgets,
  measure: TokenMeasure,
  diagnostics: SpecDiagnostics,
): CategoryTokens[] {
  if (measure === 'none') return [];
  const tokens: CategoryTokens[] = [];
  for (const category of spec.categories) {
    const fullText = renderCategoryFullText(category);
    const count: CategoryTokens = {
      categoryId: category.id,
      fullText: measure === 'all' ? countTokens(fullText) : (tokensOverLimit(fullText, budgets.tokenBudget) ?? 0),
      summary:
        measure === 'all'
          ? countTokens(category.summary)
          : (tokensOverLimit(category.summary, budgets.summaryBudget) ?? 0),
    };
    if (measure === 'all') tokens.push(count);
    if (count.fullText > budgets.tokenBudget)
      diagnostics.warning(
        'category-over-budget',
        `category ${category.id} is ${count.fullText} tokens, over the budget of ${budgets.tokenBudget}`,
        category.location,
        'shorten it or split it; long rule texts degrade helpfulness on open models (raise --token-budget to accept)',
      );
    if (count.summary > budgets.summaryBudget)
      diagnostics.warning(
        'summary-over-budget',
        `summary of ${category.id} is ${count.summary} tokens, over ${budgets.summaryBudget}`,
        category.location,
        'summaries appear for every category in every rendering; keep them to a paragraph',
      );
  }
  return tokens;
}

/** MLCommons / Llama Guard 3 hazard codes that no category declares. */
export function uncoveredHazards(spec: Spec): string[] {
  const covered = new Set(spec.categories.flatMap((category) => category.hazards));
  return hazardCodes.filter((code) => !covered.has(code));
}

function describe(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

function checkUniqueIds(spec: Spec, diagnostics: SpecDiagnostics): void {
  const seen = new Map<string, { kind: string; location: SourceLocation }>();
  const visit = (id: string, kind: string, location: SourceLocation) => {
    const first = seen.get(id);
    if (first) {
      diagnostics.error(
        kind === 'rule' && first.kind === 'rule' ? 'duplicate-rule-id' : 'duplicate-id',
        `duplicate ${kind} id "${id}" (first used by a ${first.kind} at ${describe(first.location)})`,
        location,
        'ids are unique across the whole spec: rename one',
      );
      return;
    }
    seen.set(id, { kind, location });
  };
  for (const category of spec.categories) {
    visit(category.id, 'category', category.location);
    for (const rule of category.rules) visit(rule.id, 'rule', rule.location);
  }
  for (const guide of spec.styleGuides) visit(guide.id, 'style guide', guide.location);
}

function checkReferences(spec: Spec, invalidRuleIds: readonly string[], diagnostics: SpecDiagnostics): void {
  const ruleIds = new Set([
    ...spec.categories.flatMap((category) => category.rules.map((rule) => rule.id)),
    ...invalidRuleIds,
  ]);
  const categoryIds = new Set(spec.categories.map((category) => category.id));
  for (const category of spec.categories)
    for (const rule of category.rules)
      for (const exclude of rule.excludes) {
        if (exclude.redirectRuleId === rule.id)
          diagnostics.error(
            'exclude-self',
            `rule ${rule.id} excludes to itself`,
            exclude.location,
            'use: must name another rule',
          );
        else if (!ruleIds.has(exclude.redirectRuleId))
          diagnostics.error(
            'unknown-exclude-target',
            `rule ${rule.id} excludes to unknown rule "${exclude.redirectRuleId}"`,
            exclude.location,
            categoryIds.has(exclude.redirectRuleId)
              ? 'use: names a rule id, not a category id'
              : 'use: must name an existing rule id, e.g. illicit.K2',
          );
      }
  for (const statement of spec.precedence)
    for (const id of [statement.prefer, ...statement.over])
      if (!ruleIds.has(id) && !categoryIds.has(id))
        diagnostics.error(
          'unknown-precedence-id',
          `precedence names unknown id "${id}"`,
          statement.location,
          'prefer: and over: name category or rule ids',
        );
}

function checkStyleGuides(spec: Spec, diagnostics: SpecDiagnostics): void {
  const categoryIds = new Set(spec.categories.map((category) => category.id));
  const guideKeys = new Map<string, SourceLocation>();
  for (const guide of spec.styleGuides) {
    if (guide.categoryId !== null && !categoryIds.has(guide.categoryId))
      diagnostics.error(
        'style-for-unknown-category',
        `style guide ${guide.id} overrides category "${guide.categoryId}", which does not exist`,
        guide.location,
        'put category style guides under ## Style inside that category',
      );
    const key = `${guide.categoryId ?? ''}\u0000${guide.action}`;
    const first = guideKeys.get(key);
    if (first)
      diagnostics.error(
        'duplicate-style-guide',
        `second ${guide.action} style guide${guide.categoryId ? ` for ${guide.categoryId}` : ''} (first at ${describe(first)})`,
        guide.location,
        'keep one guide per action (and per category for overrides)',
      );
    else guideKeys.set(key, guide.location);
  }
  const reported = new Set<string>();
  for (const category of spec.categories)
    for (const rule of category.rules) {
      if (reported.has(rule.action)) continue;
      const guided = spec.styleGuides.some(
        (guide) => guide.action === rule.action && (guide.categoryId === null || guide.categoryId === category.id),
      );
      if (guided) continue;
      reported.add(rule.action);
      diagnostics.error(
        'action-without-style-guide',
        `action ${rule.action} (used by rule ${rule.id}) has no style guide`,
        rule.location,
        `add ### Title {#style.${rule.action} action=${rule.action}} under ## Style guides in spec.md`,
      );
    }
}

/** At most one rule per category decides its transformation requests (`exception=transformation`). */
function checkOneTransformationRule(spec: Spec, diagnostics: SpecDiagnostics): void {
  for (const category of spec.categories) {
    const rules = category.rules.filter((rule) => rule.exception === 'transformation');
    for (const extra of rules.slice(1))
      diagnostics.error(
        'two-transformation-rules',
        `category ${category.id} has two rules with exception=transformation: ${rules[0]!.id} and ${extra.id}`,
        extra.location,
        'keep exception=transformation on the one rule that decides translate/summarise/classify requests here',
      );
  }
}
