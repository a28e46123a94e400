/**
 * @module spec/parse-rule-yaml
 * A rule's fenced ```yaml block: `excludes` (when + use) and `examples` (request, action, note, good, bad, context).
 */
import { z } from 'zod';
import { Action, deprecatedActionMessage, deprecatedActionWords, readActionWord } from '../records/action.js';
import { Message } from '../records/message.js';
import type { Exclude, SpecExample } from '../records/spec.js';
import type { SpecDiagnostics } from './spec-diagnostics.js';
import {
  parseYamlSource,
  reportZodIssues,
  type YamlPlacement,
  yamlLocation,
  yamlNodeOffset,
  yamlSourceValue,
} from './yaml-source.js';

const actionList = Action.options.join(', ');

const ExampleYaml = z.strictObject({
  request: z.string().min(1),
  // An old word (`allow`) is read too; the caller warns where it stands.
  action: z.enum([...Action.options, ...Object.keys(deprecatedActionWords)], {
    error: (issue) => `unknown action ${JSON.stringify(issue.input)}; use one of ${actionList}`,
  }),
  note: z.string().optional(),
  good: z.string().optional(),
  bad: z.string().optional(),
  context: z.array(Message).optional(),
});

const ExcludeYaml = z.strictObject({ when: z.string().min(1), use: z.string().min(1) });

const RuleYaml = z.strictObject({
  excludes: z.array(z.unknown()).optional(),
  examples: z.array(z.unknown()).optional(),
});

export interface RuleYamlContent {
  examples: SpecExample[];
  excludes: Exclude[];
}

/** Parses a rule's yaml block; every problem is reported at its line and column in the spec file. */
export function parseRuleYaml(options: {
  yaml: string;
  placement: YamlPlacement;
  ruleId: string;
  diagnostics: SpecDiagnostics;
}): RuleYamlContent {
  const { diagnostics, ruleId } = options;
  const content: RuleYamlContent = { examples: [], excludes: [] };
  const what = `the yaml block of rule ${ruleId}`;
  const source = parseYamlSource({ text: options.yaml, placement: options.placement, diagnostics, what });
  if (!source) return content;
  const plain = yamlSourceValue(source, diagnostics, what);
  if (!plain) return content;
  const value: unknown = plain.value;
  if (value === null || value === undefined) return content;
  const hint = 'a rule yaml block holds `excludes: [{when, use}]` and `examples: [{request, action, note, good, bad}]`';
  const parsed = RuleYaml.safeParse(value);
  if (!parsed.success) {
    if (typeof value !== 'object' || Array.isArray(value)) {
      diagnostics.error(
        'invalid-rule-yaml',
        `${what} must be a mapping with excludes and/or examples`,
        yamlLocation(source, yamlNodeOffset(source, [])),
        hint,
      );
      return content;
    }
    reportZodIssues({
      issues: parsed.error.issues,
      value,
      source,
      basePath: [],
      diagnostics,
      code: 'invalid-rule-yaml',
      hint,
    });
  }
  const record = value as Record<string, unknown>;
  const examples = Array.isArray(record.examples) ? record.examples : [];
  examples.forEach((item, index) => {
    const example = ExampleYaml.safeParse(item);
    if (!example.success) {
      reportZodIssues({
        issues: example.error.issues,
        value: item,
        source,
        basePath: ['examples', index],
        diagnostics,
        code: 'invalid-example',
        hint: `an example has request and action (${actionList}); optional note, good, bad, context`,
      });
      return;
    }
    const data = example.data;
    const action = readActionWord(data.action)!;
    if (action.deprecated)
      diagnostics.warning(
        'deprecated-action',
        `examples[${index}].action: ${deprecatedActionMessage(action.deprecated)}`,
        yamlLocation(source, yamlNodeOffset(source, ['examples', index, 'action'])),
        `write action: ${action.action}`,
      );
    content.examples.push({
      id: `${ruleId}#${index + 1}`,
      request: data.request,
      context: data.context ?? [],
      expectedAction: action.action,
      ...(data.note === undefined ? {} : { note: data.note }),
      ...(data.good === undefined ? {} : { good: data.good }),
      ...(data.bad === undefined ? {} : { bad: data.bad }),
      location: yamlLocation(source, yamlNodeOffset(source, ['examples', index])),
    });
  });
  const excludes = Array.isArray(record.excludes) ? record.excludes : [];
  excludes.forEach((item, index) => {
    const exclude = ExcludeYaml.safeParse(item);
    if (!exclude.success) {
      reportZodIssues({
        issues: exclude.error.issues,
        value: item,
        source,
        basePath: ['excludes', index],
        diagnostics,
        code: 'invalid-exclude',
        hint: 'an exclude is `- when: <condition>` and `use: <rule id>`',
      });
      return;
    }
    content.excludes.push({
      condition: exclude.data.when,
      redirectRuleId: exclude.data.use,
      location: yamlLocation(source, yamlNodeOffset(source, ['excludes', index, 'use'])),
    });
  });
  return content;
}
