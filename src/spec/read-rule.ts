/**
 * @module spec/read-rule
 * The level-3 headings of a spec: rules (under `## Rules`) and style guides (under `## Style guides` / `## Style`).
 */
import type { Heading } from 'mdast';
import { Action, deprecatedActionMessage, readActionWord } from '../records/action.js';
import {
  type Category,
  type Rule,
  RuleException,
  RuleKind,
  type SourceLocation,
  type StyleGuide,
} from '../records/spec.js';
import type { HeadingAttributes } from './heading-attributes.js';
import { end, type MarkdownSource, nodeRange, type Range, start } from './markdown-source.js';
import { parseRuleYaml } from './parse-rule-yaml.js';
import type { SpecDiagnostics } from './spec-diagnostics.js';
import { findVagueWords } from './vague-words.js';

/** One heading being read, with the file it is in. */
export interface HeadingContext {
  source: MarkdownSource;
  diagnostics: SpecDiagnostics;
  heading: Heading;
  /** Its position in `source.headings`. */
  index: number;
  attributes: HeadingAttributes;
}

const ruleIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const actionList = Action.options.join(', ');

/** The location of character `offset` of a heading's line. */
export function headingLocation(context: HeadingContext, offset: number): SourceLocation {
  const location = context.source.nodeLocation(context.heading);
  return { ...location, column: location.column + offset };
}

/** Reads a rule heading (`### Title {#id action=refuse}`), its text and its yaml block. */
export function readRule(context: HeadingContext, category: Category, invalidRuleIds: string[]): Rule | null {
  const { source, diagnostics, heading, index, attributes } = context;
  const sectionEnd = source.sectionEnd(index, 3);
  const yamlBlocks = source
    .nodesBetween(end(heading), sectionEnd)
    .filter((node) => node.type === 'code' && (node.lang === 'yaml' || node.lang === 'yml'));
  for (const extra of yamlBlocks.slice(1))
    diagnostics.error(
      'multiple-yaml-blocks',
      'a rule has at most one yaml block; this one is ignored',
      source.nodeLocation(extra),
      'merge its excludes and examples into the first yaml block',
    );
  const id = attributes.id;
  if (id === null)
    diagnostics.error(
      'rule-without-id',
      `rule heading "${attributes.title}" has no id`,
      source.nodeLocation(heading),
      `write ### ${attributes.title} {#${category.id}.R1 action=refuse}`,
    );
  else if (!ruleIdPattern.test(id))
    diagnostics.error(
      'invalid-id',
      `rule id "${id}" has characters other than letters, digits, ".", "_" and "-"`,
      headingLocation(context, attributes.idOffset),
      `e.g. {#${category.id}.K3 action=refuse}`,
    );
  else if (!id.startsWith(`${category.id}.`))
    diagnostics.warning(
      'rule-id-prefix',
      `rule id "${id}" does not start with its category id "${category.id}."`,
      headingLocation(context, attributes.idOffset),
      `name rules <category id>.<short id>, e.g. ${category.id}.K3`,
    );
  const kind = readKind(context);
  const action = kind === 'behavioural' ? readBehaviouralAction(context) : readAction(context, 'rule');
  const exception = readException(context);
  rejectUnknownAttributes(context, ['action', 'exception', 'kind']);
  const yamlBlock = yamlBlocks[0];
  const content =
    yamlBlock?.type === 'code'
      ? parseRuleYaml({
          yaml: yamlBlock.value,
          placement: {
            file: source.file,
            lineOffset: yamlBlock.position!.start.line,
            columnOffset: yamlBlock.position!.start.column - 1,
          },
          ruleId: id ?? attributes.title,
          diagnostics,
        })
      : { examples: [], excludes: [] };
  const cuts: Range[] = yamlBlock ? [nodeRange(yamlBlock)] : [];
  const text = source.text(end(heading), sectionEnd, cuts);
  if (text === '')
    diagnostics.error(
      'empty-rule',
      `rule "${id ?? attributes.title}" has no text`,
      source.nodeLocation(heading),
      'write under the heading when the rule applies and what the response does',
    );
  for (const range of source.segments(end(heading), sectionEnd, cuts)) {
    for (const vague of findVagueWords(source.body.slice(range.start, range.end)))
      diagnostics.warning(
        'vague-word',
        `vague word "${vague.word}" in rule ${id ?? attributes.title}`,
        source.location(range.start + vague.offset),
        'state exactly when the rule applies; classifiers and judges apply vague rules inconsistently',
      );
  }
  if (id === null) return null;
  if (action === null) {
    invalidRuleIds.push(id);
    return null;
  }
  return {
    id,
    title: attributes.title,
    action,
    text,
    examples: content.examples,
    excludes: content.excludes,
    // Only when set, so specs without it keep their hash.
    ...(exception ? { exception } : {}),
    ...(kind === 'behavioural' ? { kind } : {}),
    location: source.nodeLocation(heading),
  };
}

/** The action every behavioural rule has: a behavioural rule says how a complying answer is written. */
export const behaviouralRuleAction: Action = 'comply';

/** `kind=safety|behavioural`; absent is safety. An unknown kind is reported and read as safety. */
function readKind(context: HeadingContext): RuleKind {
  const attribute = context.attributes.attributes.get('kind');
  if (!attribute) return 'safety';
  const parsed = RuleKind.safeParse(attribute.value);
  if (parsed.success) return parsed.data;
  context.diagnostics.error(
    'unknown-rule-kind',
    `unknown rule kind "${attribute.value}"`,
    headingLocation(context, attribute.offset),
    `use kind=${RuleKind.options.join('|')} (behavioural: how a complying answer is written)`,
  );
  return 'safety';
}

/** A behavioural rule's action is implied (behaviouralRuleAction); written, it must be that one. */
function readBehaviouralAction(context: HeadingContext): Action | null {
  const attribute = context.attributes.attributes.get('action');
  if (!attribute) return behaviouralRuleAction;
  const read = readActionWord(attribute.value);
  if (read?.action === behaviouralRuleAction) {
    if (read.deprecated) warnDeprecatedAction(context, attribute.offset, read.deprecated);
    return behaviouralRuleAction;
  }
  context.diagnostics.error(
    'behavioural-rule-action',
    `a behavioural rule cannot have action=${attribute.value}`,
    headingLocation(context, attribute.offset),
    `drop action= (a behavioural rule's action is ${behaviouralRuleAction}), or make it a safety rule: drop kind=behavioural`,
  );
  return null;
}

/** `exception=transformation`: the rule decides transformation requests (translate, summarise…) in its category. */
function readException(context: HeadingContext): RuleException | null {
  const attribute = context.attributes.attributes.get('exception');
  if (!attribute) return null;
  const parsed = RuleException.safeParse(attribute.value);
  if (parsed.success) return parsed.data;
  context.diagnostics.error(
    'unknown-exception',
    `unknown exception "${attribute.value}"`,
    headingLocation(context, attribute.offset),
    `use exception=${RuleException.options.join('|')}`,
  );
  return null;
}

/** Reads a style guide heading (`### Refusal {#style.refuse action=refuse}`) with its Good:/Bad: bullet examples. */
export function readStyleGuide(context: HeadingContext, categoryId: string | null): StyleGuide | null {
  const { source, diagnostics, heading, index, attributes } = context;
  const sectionEnd = source.sectionEnd(index, 3);
  const goodExamples: string[] = [];
  const badExamples: string[] = [];
  const cuts: Range[] = [];
  for (const node of source.nodesBetween(end(heading), sectionEnd)) {
    if (node.type !== 'list') continue;
    for (const item of node.children) {
      const first = item.children[0];
      const last = item.children.at(-1);
      if (!first || !last) continue;
      const match = /^(good|bad)\s*:\s*([\s\S]*)$/i.exec(source.text(start(first), end(last)));
      if (!match) continue;
      (match[1]!.toLowerCase() === 'good' ? goodExamples : badExamples).push(match[2]!.trim());
      cuts.push(nodeRange(item));
    }
  }
  const id = attributes.id;
  if (id === null)
    diagnostics.error(
      'style-guide-without-id',
      `style guide heading "${attributes.title}" has no id`,
      source.nodeLocation(heading),
      'write ### Refusal {#style.refuse action=refuse}',
    );
  const action = readAction(context, 'style guide');
  rejectUnknownAttributes(context, ['action']);
  if (id === null || action === null) return null;
  return {
    id,
    title: attributes.title,
    action,
    categoryId,
    text: source.text(end(heading), sectionEnd, cuts),
    goodExamples,
    badExamples,
    location: source.nodeLocation(heading),
  };
}

function readAction(context: HeadingContext, what: string): Action | null {
  const { source, diagnostics, heading, attributes } = context;
  const attribute = attributes.attributes.get('action');
  if (!attribute) {
    diagnostics.error(
      `${what.replace(' ', '-')}-without-action`,
      `${what} heading "${attributes.title}" has no action`,
      source.nodeLocation(heading),
      `add action=<${Action.options.join('|')}> to the attribute block`,
    );
    return null;
  }
  const read = readActionWord(attribute.value);
  if (read?.deprecated) warnDeprecatedAction(context, attribute.offset, read.deprecated);
  if (read) return read.action;
  diagnostics.error(
    'unknown-action',
    `unknown action "${attribute.value}"`,
    headingLocation(context, attribute.offset),
    `use one of ${actionList}`,
  );
  return null;
}

/** An old action word (`action=allow`): read all the same, with a warning at its place that says what to write. */
function warnDeprecatedAction(context: HeadingContext, offset: number, word: string): void {
  context.diagnostics.warning(
    'deprecated-action',
    deprecatedActionMessage(word),
    headingLocation(context, offset),
    `write action=${readActionWord(word)!.action}`,
  );
}

/** Reports attributes other than `allowed` on a heading. */
export function rejectUnknownAttributes(context: HeadingContext, allowed: string[]): void {
  const { diagnostics, attributes } = context;
  for (const [key, attribute] of attributes.attributes) {
    if (allowed.includes(key)) continue;
    diagnostics.error(
      'unknown-attribute',
      `unknown attribute "${key}"`,
      headingLocation(context, attribute.offset),
      `this heading takes ${allowed.map((name) => `${name}=`).join(', ')}`,
    );
  }
}
