/**
 * @module spec/render-spec
 * spec(category): the text given to teacher and judge. Global summary, principles, precedence, every category's
 * summary, the style guides, then the full text of the chosen categories. Deterministic: the same spec and selection
 * always give the same bytes.
 */
import { DataError, SpecError } from '../errors.js';
import type { Prompt } from '../records/prompt.js';
import { type Category, type Rule, ruleKindOf, type Spec, type SpecExample, type StyleGuide } from '../records/spec.js';
import { hazardNames } from './hazards.js';

/** Which categories to render in full: some ids (multi-label: all of them, in spec order), or none. */
export type RenderSelection = { categoryIds: readonly string[] } | { summaryOnly: true };

/**
 * Renders spec(category) or the summary-only spec.
 * @example renderSpec(spec, { categoryIds: ['illicit'] }); renderSpec(spec, { summaryOnly: true })
 */
export function renderSpec(spec: Spec, selection: RenderSelection): string {
  const chosen = chosenCategories(spec, selection);
  const chosenIds = new Set(chosen.map((category) => category.id));
  const blocks: string[] = [];
  // No whole-spec hash here: a request depends on the text it sends, so an edit of one category re-sends only the
  // requests whose text it changes (the hash stays in the records and the manifest).
  blocks.push(`# ${spec.title}\n\nSpec ${spec.id}, version ${spec.version}`);
  if (spec.globalSummary !== '') blocks.push(`## Summary\n\n${spec.globalSummary}`);
  if (spec.principles !== '') blocks.push(`## Principles\n\n${spec.principles}`);
  const precedence = renderPrecedence(spec);
  if (precedence !== '') blocks.push(`## Precedence\n\n${precedence}`);
  const scope =
    chosen.length === 0
      ? 'No category is given in full here (summary-only).'
      : `The full text of ${chosen.map((category) => category.id).join(', ')} follows the style guides.`;
  blocks.push(`## Categories\n\nEvery category of the spec, in summary. ${scope}`);
  for (const category of spec.categories) blocks.push(`### ${category.title} (${category.id})\n\n${category.summary}`);
  const guides = spec.styleGuides.filter((guide) => guide.categoryId === null || chosenIds.has(guide.categoryId));
  if (guides.length > 0) {
    blocks.push('## Style guides\n\nHow to respond once a rule has chosen the action.');
    for (const guide of guides) blocks.push(renderStyleGuide(guide));
  }
  for (const category of chosen) blocks.push(renderCategoryFullText(category));
  return `${blocks.join('\n\n')}\n`;
}

function chosenCategories(spec: Spec, selection: RenderSelection): Category[] {
  if ('summaryOnly' in selection) return [];
  const known = new Set(spec.categories.map((category) => category.id));
  const unknown = selection.categoryIds.filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new SpecError(`unknown category ${unknown.map((id) => `"${id}"`).join(', ')} in spec ${spec.id}`, {
      hint: `known categories: ${[...known].join(', ')}`,
    });
  const wanted = new Set(selection.categoryIds);
  return spec.categories.filter((category) => wanted.has(category.id));
}

function renderPrecedence(spec: Spec): string {
  const lines = spec.precedence.map(
    (rule) => `- ${rule.prefer} takes precedence over ${rule.over.join(', ')}${rule.note ? `: ${rule.note}` : '.'}`,
  );
  return [spec.precedenceText, lines.join('\n')].filter((part) => part !== '').join('\n\n');
}

function renderStyleGuide(guide: StyleGuide): string {
  const scope = guide.categoryId === null ? '' : `; for category ${guide.categoryId}, replaces the general guide`;
  const examples = [
    ...guide.goodExamples.map((example) => `- Good: ${example}`),
    ...guide.badExamples.map((example) => `- Bad: ${example}`),
  ].join('\n');
  return [`### ${guide.title} (${guide.id}; action ${guide.action}${scope})`, guide.text, examples]
    .filter((part) => part !== '')
    .join('\n\n');
}

/** The full text of one category: definitions, notes, rules with ids, actions, excludes and examples. */
export function renderCategoryFullText(category: Category): string {
  const blocks = [`## Category ${category.title} (${category.id})`];
  if (category.hazards.length > 0)
    blocks.push(`Hazards covered: ${category.hazards.map((code) => `${code} ${hazardNames[code] ?? ''}`).join(', ')}.`);
  if (category.definitions.length > 0)
    blocks.push(
      `### Definitions\n\n${category.definitions
        .map((definition) =>
          definition.term === '' ? `- ${definition.text}` : `- **${definition.term}**: ${definition.text}`,
        )
        .join('\n')}`,
    );
  if (category.notes !== '') blocks.push(`### Notes\n\n${category.notes}`);
  blocks.push('### Rules');
  if (category.rules.some((rule) => ruleKindOf(rule) === 'behavioural')) blocks.push(behaviouralRulesNote);
  for (const rule of category.rules) blocks.push(renderRule(rule));
  return blocks.join('\n\n');
}

/** Said once before the rules of a category that has behavioural rules: what such a rule governs, and what not. */
export const behaviouralRulesNote =
  'Rules marked (behavioural) never decide whether to help: they say how an answer that complies or safe-completes is written (its format, length, tone, scope and required content). Follow every one that applies to the request; they do not make a refusal right, and a safety rule wins over them.';

function renderRule(rule: Rule): string {
  // A behavioural rule says how a complying answer is written: its kind, not its (implied) action, is shown.
  const tag = rule.kind === 'behavioural' ? 'behavioural' : rule.action;
  const blocks = [`#### ${rule.id} (${tag}): ${rule.title}`, rule.text];
  if (rule.excludes.length > 0)
    blocks.push(
      `Excludes:\n${rule.excludes.map((exclude) => `- When ${exclude.condition}: apply ${exclude.redirectRuleId} instead.`).join('\n')}`,
    );
  if (rule.examples.length > 0) blocks.push(`Examples:\n${rule.examples.map(renderExample).join('\n')}`);
  return blocks.filter((part) => part !== '').join('\n\n');
}

/** One example as compact lines: `- "request" → action. note`, then context, good and bad, indented. */
export function renderExample(example: SpecExample): string {
  const lines = [
    `- ${JSON.stringify(example.request)} → ${example.expectedAction}.${example.note ? ` ${example.note}` : ''}`,
  ];
  if (example.context.length > 0)
    lines.push(
      `  Earlier turns: ${example.context.map((message) => `${message.role}: ${JSON.stringify(message.content)}`).join(' / ')}`,
    );
  if (example.good) lines.push(`  Good: ${JSON.stringify(example.good)}`);
  if (example.bad) lines.push(`  Bad: ${JSON.stringify(example.bad)}`);
  return lines.join('\n');
}

/** spec(category) for the prompt's categories, or the summary-only render when it has none. */
export function renderSpecForPrompt(spec: Spec, prompt: Pick<Prompt, 'id' | 'categories'>): string {
  const known = new Set(spec.categories.map((category) => category.id));
  const unknown = prompt.categories.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new DataError(`prompt ${prompt.id} names categories the spec does not define: ${unknown.join(', ')}`, {
      location: `prompt ${prompt.id}`,
      hint: `use the spec's category ids (${[...known].join(', ')}) or leave categories empty for the summary-only spec`,
    });
  }
  return prompt.categories.length > 0
    ? renderSpec(spec, { categoryIds: prompt.categories })
    : renderSpec(spec, { summaryOnly: true });
}
