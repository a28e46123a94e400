import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../errors.js';
import type { SpecDiagnostic } from '../records/spec.js';
import { checkSpec, loadSpec } from './load-spec.js';
import { formatSpecDiagnostic } from './spec-diagnostics.js';

const tinySpec = path.join(import.meta.dirname, '__fixtures__/tiny-spec');

/** A valid single-file spec; tests replace single lines (1-based) to make it malformed at a known place. */
const baseLines = [
  '---', // 1
  'id: t', // 2
  'version: "1.0.0"', // 3
  'precedence:', // 4
  '  - prefer: crime.B', // 5
  '    over: [crime.A]', // 6
  '---', // 7
  '## Summary', // 8
  'Global summary.', // 9
  '', // 10
  '## Style guides', // 11
  '', // 12
  '### Refusal {#style.refuse action=refuse}', // 13
  'Brief apology.', // 14
  '', // 15
  '### Compliance {#style.comply action=comply}', // 16
  'Answer fully.', // 17
  '', // 18
  '# Crime {#crime hazards="S2"}', // 19
  '', // 20
  '## Summary', // 21
  'Crime summary.', // 22
  '', // 23
  '## Rules', // 24
  '', // 25
  '### Info {#crime.A action=comply}', // 26
  'Information is allowed.', // 27
  '', // 28
  '```yaml', // 29
  'excludes:', // 30
  '  - when: the user states intent', // 31
  '    use: crime.B', // 32
  'examples:', // 33
  '  - request: How do locks work?', // 34
  '    action: comply', // 35
  '```', // 36
  '', // 37
  '### Help {#crime.B action=refuse}', // 38
  'Instructions are refused.', // 39
  '', // 40
  '```yaml', // 41
  'examples:', // 42
  '  - request: How do I pick my neighbour’s lock?', // 43
  '    action: refuse', // 44
  '```', // 45
];

function temporaryFolder(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'deliberate-spec-'));
}

/** Writes the base spec with some lines replaced; returns its path. */
function writeSpec(replacements: Record<number, string> = {}): string {
  const lines = baseLines.map((line, index) => replacements[index + 1] ?? line);
  const file = path.join(temporaryFolder(), 'spec.md');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Writes a folder spec: files by relative path. */
function writeFolder(files: Record<string, string>): string {
  const folder = temporaryFolder();
  for (const [relative, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, relative)), { recursive: true });
    writeFileSync(path.join(folder, relative), text);
  }
  return folder;
}

async function errorsOf(specPath: string): Promise<SpecDiagnostic[]> {
  const result = await checkSpec(specPath);
  expect(result.spec).toBeNull();
  return result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
}

async function warningsOf(specPath: string, options = {}): Promise<SpecDiagnostic[]> {
  const result = await checkSpec(specPath, options);
  expect(result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  return result.diagnostics.filter((diagnostic) => diagnostic.severity === 'warning');
}

function expectOne(diagnostics: SpecDiagnostic[], expected: { file: string; line: number; column?: number }) {
  expect(diagnostics).toHaveLength(1);
  const [diagnostic] = diagnostics;
  expect(diagnostic!.location.file).toBe(expected.file);
  expect(diagnostic!.location.line).toBe(expected.line);
  if (expected.column !== undefined) expect(diagnostic!.location.column).toBe(expected.column);
  return diagnostic!;
}

describe('checkSpec: a valid spec', () => {
  it('reads the base single-file spec without errors', async () => {
    const file = writeSpec();
    const result = await checkSpec(file);
    expect(result.spec).not.toBeNull();
    const spec = result.spec!;
    expect(spec.id).toBe('t');
    expect(spec.categories.map((category) => category.id)).toEqual(['crime']);
    expect(spec.categories[0]!.rules.map((rule) => [rule.id, rule.action])).toEqual([
      ['crime.A', 'comply'],
      ['crime.B', 'refuse'],
    ]);
    expect(spec.categories[0]!.rules[0]!.location).toEqual({ file, line: 26, column: 1 });
    expect(spec.categories[0]!.rules[0]!.examples[0]).toMatchObject({
      id: 'crime.A#1',
      expectedAction: 'comply',
      location: { file, line: 34, column: 5 },
    });
    expect(spec.categories[0]!.rules[0]!.excludes[0]).toMatchObject({
      condition: 'the user states intent',
      redirectRuleId: 'crime.B',
      location: { file, line: 32, column: 10 },
    });
    expect(spec.categories[0]!.rules[0]!.text).toBe('Information is allowed.');
    expect(spec.precedence[0]).toMatchObject({ prefer: 'crime.B', over: ['crime.A'], location: { line: 5 } });
  });

  it('reads the tiny fixture folder: files in order, comments dropped, overrides and context kept', async () => {
    const spec = await loadSpec(tinySpec);
    expect(spec.files.map((file) => path.relative(tinySpec, file))).toEqual([
      'spec.md',
      'categories/illicit.md',
      'categories/self-harm.md',
    ]);
    expect(spec.categories.map((category) => category.id)).toEqual(['illicit', 'self-harm']);
    expect(spec.categories[0]!.hazards).toEqual(['S1', 'S2']);
    expect(spec.categories[0]!.definitions[1]).toEqual({
      term: 'Admission of intent',
      text: 'the user states they intend to commit wrongdoing.',
    });
    expect(JSON.stringify(spec)).not.toContain('Reviewer note');
    expect(JSON.stringify(spec)).not.toContain('never rendered');
    const override = spec.styleGuides.find((guide) => guide.categoryId === 'self-harm');
    expect(override).toMatchObject({ id: 'self-harm.style.safe-complete', action: 'safe-complete' });
    const refusal = spec.styleGuides.find((guide) => guide.id === 'style.refuse')!;
    expect(refusal.goodExamples).toEqual(['"Sorry, I can\'t help with that."']);
    expect(refusal.text).toBe('A refusal is one brief apology and a statement of inability to comply.');
    const multiTurn = spec.categories[1]!.rules[1]!.examples[0]!;
    expect(multiTurn.context.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(spec.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('checkSpec: document title', () => {
  it('a title heading without an id at the top of spec.md is the title; text under it goes to the principles', async () => {
    const folder = writeFolder({
      'spec.md': `${baseLines.slice(0, 7).join('\n')}\n# ACME safety\nRead this first.\n${baseLines.slice(7).join('\n')}\n`,
    });
    const spec = await loadSpec(path.join(folder, 'spec.md'));
    expect(spec.title).toBe('ACME safety');
    expect(spec.principles).toBe('Read this first.');
    expect(spec.categories.map((category) => category.id)).toEqual(['crime']);
  });
});

describe('checkSpec: malformed specs report file, line, column and message', () => {
  it('front matter that is not valid YAML', async () => {
    const file = writeSpec({ 3: 'version: "1.0.0": x' });
    const errors = await errorsOf(file);
    const error = expectOne(errors, { file, line: 3, column: 10 });
    expect(error.message).toBe('invalid YAML in the front matter: Nested mappings are not allowed in compact mappings');
    expect(error.code).toBe('invalid-yaml');
  });

  it('front matter with a bad indentation reports the YAML error position', async () => {
    const file = writeSpec({ 6: ' over: [crime.A]' });
    const error = (await errorsOf(file))[0]!;
    expect(error.location).toEqual({ file, line: 6, column: 1 });
    expect(error.message).toBe('invalid YAML in the front matter: All mapping items must start at the same column');
    expect(error.code).toBe('invalid-yaml');
  });

  it('an unclosed quote is reported where the quote opens, not where the text ends', async () => {
    const file = writeSpec({ 3: 'version: "1.0.0' });
    const error = (await errorsOf(file)).find((item) => item.code === 'invalid-yaml')!;
    expect(error.message).toBe('invalid YAML in the front matter: Missing closing "quote');
    expect(error.location).toEqual({ file, line: 3, column: 10 });
  });

  it('front matter that is never closed', async () => {
    const file = writeSpec({ 7: '' });
    const error = (await errorsOf(file)).find((item) => item.code === 'front-matter-not-closed')!;
    expect(error.location).toEqual({ file, line: 1, column: 1 });
    expect(error.message).toBe('front matter starts with --- but has no closing --- line');
  });

  it('a missing version', async () => {
    const file = writeSpec({ 3: 'title: no version' });
    const error = expectOne(await errorsOf(file), { file, line: 1, column: 1 });
    expect(error.message).toBe('front matter has no version');
  });

  it('a version written as a number', async () => {
    const file = writeSpec({ 3: 'version: 1.10' });
    const error = expectOne(await errorsOf(file), { file, line: 3, column: 10 });
    expect(error.message).toBe('version is the number 1.1, not a string');
    expect(error.hint).toContain('quote it');
  });

  it('a duplicate rule id points at the second and names the first', async () => {
    const file = writeSpec({ 38: '### Help {#crime.A action=refuse}' });
    const errors = (await errorsOf(file)).filter((item) => item.code === 'duplicate-rule-id');
    const error = expectOne(errors, { file, line: 38, column: 1 });
    expect(error.message).toBe(`duplicate rule id "crime.A" (first used by a rule at ${file}:26:1)`);
  });

  it('an unknown action points at the action attribute', async () => {
    const file = writeSpec({ 38: '### Help {#crime.B action=deny}' });
    const error = expectOne(await errorsOf(file), { file, line: 38, column: 20 });
    expect(error.message).toBe('unknown action "deny"');
    expect(error.hint).toBe('use one of comply, refuse, safe-complete, escalate');
  });

  it('a category whose rules all have a bad action gets those errors only, not "has no rules" as well', async () => {
    const file = writeSpec({ 26: '### Info {#crime.A action=deny}', 38: '### Help {#crime.B action=deny}' });
    const errors = await errorsOf(file);
    expect(errors.map((error) => [error.code, error.location.line])).toEqual([
      ['unknown-action', 26],
      ['unknown-action', 38],
    ]);
  });

  it('a rule whose examples are invalid is not also warned about for having no example', async () => {
    const file = writeSpec({ 44: '    action: deny' });
    const result = await checkSpec(file);
    expect(result.diagnostics.map((item) => item.code)).toContain('invalid-example');
    expect(result.diagnostics.map((item) => item.code)).not.toContain('rule-without-example');
  });

  it('a rule heading without an id', async () => {
    const file = writeSpec({ 38: '### Help {action=refuse}' });
    const errors = await errorsOf(file);
    const error = errors.find((item) => item.code === 'rule-without-id')!;
    expect(error.location).toEqual({ file, line: 38, column: 1 });
    expect(error.message).toBe('rule heading "Help" has no id');
  });

  it('a rule heading without an action', async () => {
    const file = writeSpec({ 38: '### Help {#crime.B}' });
    const errors = await errorsOf(file);
    const error = errors.find((item) => item.code === 'rule-without-action')!;
    expect(error.location).toEqual({ file, line: 38, column: 1 });
    expect(error.message).toBe('rule heading "Help" has no action');
  });

  it('an attribute block that is not closed', async () => {
    const file = writeSpec({ 38: '### Help {#crime.B action=refuse' });
    const error = (await errorsOf(file)).find((item) => item.code === 'invalid-attributes')!;
    expect(error.location).toEqual({ file, line: 38, column: 10 });
    expect(error.message).toBe('attribute block is not closed');
  });

  it('an unknown attribute', async () => {
    const file = writeSpec({ 38: '### Help {#crime.B action=refuse severity=high}' });
    const error = expectOne(await errorsOf(file), { file, line: 38, column: 34 });
    expect(error.message).toBe('unknown attribute "severity"');
  });

  it('excludes naming an unknown rule points at the use: value', async () => {
    const file = writeSpec({ 32: '    use: crime.Z' });
    const error = expectOne(await errorsOf(file), { file, line: 32, column: 10 });
    expect(error.message).toBe('rule crime.A excludes to unknown rule "crime.Z"');
  });

  it('precedence naming an unknown id points at the precedence item', async () => {
    const file = writeSpec({ 5: '  - prefer: crime.Q' });
    const error = expectOne(await errorsOf(file), { file, line: 5, column: 5 });
    expect(error.message).toBe('precedence names unknown id "crime.Q"');
  });

  it('an action without a style guide', async () => {
    const file = writeSpec({ 38: '### Help {#crime.B action=safe-complete}', 44: '    action: safe-complete' });
    const error = expectOne(await errorsOf(file), { file, line: 38, column: 1 });
    expect(error.message).toBe('action safe-complete (used by rule crime.B) has no style guide');
  });

  it('a category without a summary', async () => {
    const file = writeSpec({ 21: '## Notes' });
    const error = expectOne(await errorsOf(file), { file, line: 19, column: 1 });
    expect(error.message).toBe('category crime has no summary');
  });

  it('an unknown hazard code', async () => {
    const file = writeSpec({ 19: '# Crime {#crime hazards="S2 S15"}' });
    const error = expectOne(await errorsOf(file), { file, line: 19, column: 17 });
    expect(error.message).toBe('unknown hazard code "S15"');
  });

  it('invalid YAML in a rule yaml block is reported at its line in the file', async () => {
    const file = writeSpec({ 35: '    action: [comply' });
    const error = (await errorsOf(file))[0]!;
    expect(error.location.file).toBe(file);
    expect(error.location.line).toBeGreaterThanOrEqual(35);
    expect(error.location.line).toBeLessThanOrEqual(36);
    expect(error.message).toMatch(/^invalid YAML in the yaml block of rule crime\.A: /);
  });

  it('an example with an unknown action points at the value', async () => {
    const file = writeSpec({ 44: '    action: deny' });
    const error = expectOne(await errorsOf(file), { file, line: 44, column: 13 });
    expect(error.message).toBe(
      'examples[0].action: unknown action "deny"; use one of comply, refuse, safe-complete, escalate',
    );
  });

  it('an example whose action key is misspelt: missing "action" and the unknown key, never "unknown action undefined"', async () => {
    const file = writeSpec({ 44: '    acton: refuse' });
    const messages = (await errorsOf(file)).map((error) => error.message);
    expect(messages).toContain('examples[0]: missing "action"');
    expect(messages).toContain('examples[0].acton: unknown key "acton"');
    expect(messages.join('\n')).not.toMatch(/undefined/);
  });

  it('an example without a request', async () => {
    const file = writeSpec({ 43: '  - note: no request here' });
    const error = expectOne(await errorsOf(file), { file, line: 43, column: 5 });
    expect(error.message).toBe('examples[0]: missing "request"');
  });

  it('an unknown key in a rule yaml block', async () => {
    const file = writeSpec({ 42: 'exmples:' });
    const error = expectOne(await errorsOf(file), { file, line: 42, column: 1 });
    expect(error.message).toBe('exmples: unknown key "exmples"');
  });

  it('a rule without text', async () => {
    const file = writeSpec({ 39: '<!-- only a comment -->' });
    const error = expectOne(await errorsOf(file), { file, line: 38, column: 1 });
    expect(error.message).toBe('rule "crime.B" has no text');
  });

  it('a category heading without an id in a folder spec', async () => {
    const folder = writeFolder({
      'spec.md': baseLines.slice(0, 18).join('\n'),
      'categories/crime.md': '# Crime\n\n## Summary\nCrime.\n',
    });
    const errors = await errorsOf(folder);
    const error = errors.find((item) => item.code === 'category-without-id')!;
    expect(error.location).toEqual({ file: path.join(folder, 'categories/crime.md'), line: 1, column: 1 });
    expect(error.message).toBe('category heading "Crime" has no id');
  });

  it('duplicate category ids across files', async () => {
    const category = baseLines.slice(18).join('\n');
    const folder = writeFolder({
      'spec.md': baseLines.slice(0, 18).join('\n'),
      'categories/a.md': category,
      'categories/b.md': category.replaceAll('crime.A', 'crime.C').replaceAll('crime.B', 'crime.D'),
    });
    const errors = await errorsOf(folder);
    const error = errors.find((item) => item.code === 'duplicate-id')!;
    expect(error.location).toEqual({ file: path.join(folder, 'categories/b.md'), line: 1, column: 1 });
    expect(error.message).toBe(
      `duplicate category id "crime" (first used by a category at ${path.join(folder, 'categories/a.md')}:1:1)`,
    );
  });

  it('front matter in a category file', async () => {
    const folder = writeFolder({
      'spec.md': baseLines.join('\n'),
      'categories/extra.md':
        '---\nid: x\n---\n# Extra {#extra}\n## Summary\nS.\n## Rules\n### R {#extra.R action=comply}\nText.\n',
    });
    const error = expectOne(await errorsOf(folder), { file: path.join(folder, 'categories/extra.md'), line: 1 });
    expect(error.message).toBe('front matter is only read in the root file (spec.md)');
  });

  it('a section outside any category in a category file', async () => {
    const folder = writeFolder({ 'spec.md': baseLines.join('\n'), 'categories/extra.md': '\n## Rules\n' });
    const error = expectOne(await errorsOf(folder), {
      file: path.join(folder, 'categories/extra.md'),
      line: 2,
      column: 1,
    });
    expect(error.message).toBe('section "Rules" is not inside a category');
  });

  it('a folder without spec.md', async () => {
    const folder = writeFolder({ 'categories/crime.md': baseLines.slice(18).join('\n') });
    const error = expectOne(await errorsOf(folder), { file: path.join(folder, 'spec.md'), line: 1, column: 1 });
    expect(error.message).toBe(`spec folder ${folder} has no spec.md`);
  });

  it("a folder spec's spec.md passed on its own names the folder to pass, instead of 'no categories'", async () => {
    const folder = writeFolder({
      'spec.md': baseLines.slice(0, 18).join('\n'),
      'categories/crime.md': baseLines.slice(18).join('\n'),
    });
    const file = path.join(folder, 'spec.md');
    const error = expectOne(await errorsOf(file), { file, line: 1, column: 1 });
    expect(error).toMatchObject({
      code: 'spec-root-file-of-folder',
      message: `${file} is the root file of the spec folder ${folder}, whose categories/ would not be read`,
      hint: `pass the folder instead: ${folder}`,
    });
    expect((await checkSpec(folder)).spec).not.toBeNull();
  });

  it('a path that does not exist', async () => {
    const missing = path.join(temporaryFolder(), 'nope.md');
    const error = expectOne(await errorsOf(missing), { file: missing, line: 1, column: 1 });
    expect(error.message).toBe(`cannot read spec ${missing}: ENOENT`);
  });

  it('a second yaml block in one rule', async () => {
    // Lines 40-42 become a first yaml block, so the original block (line 41) moves to line 44 and is the second.
    const file = writeSpec({ 40: '```yaml\nexamples: []\n```\n' });
    const error = expectOne(await errorsOf(file), { file, line: 44, column: 1 });
    expect(error.message).toBe('a rule has at most one yaml block; this one is ignored');
  });

  it('a rule that excludes to itself', async () => {
    const file = writeSpec({ 32: '    use: crime.A' });
    const error = expectOne(await errorsOf(file), { file, line: 32, column: 10 });
    expect(error.message).toBe('rule crime.A excludes to itself');
  });

  it('two global style guides for one action', async () => {
    const file = writeSpec({ 16: '### Compliance {#style.comply2 action=refuse}' });
    const errors = (await errorsOf(file)).filter((item) => item.code === 'duplicate-style-guide');
    const error = expectOne(errors, { file, line: 16, column: 1 });
    expect(error.message).toBe(`second refuse style guide (first at ${file}:13:1)`);
  });

  it('a category without rules', async () => {
    const file = writeSpec({ 24: '## Notes', 26: '#### Info', 38: '#### Help' });
    const errors = (await errorsOf(file)).filter((item) => item.code === 'no-rules');
    const error = expectOne(errors, { file, line: 19, column: 1 });
    expect(error.message).toBe('category crime has no rules');
  });

  it('loadSpec throws a SpecError listing every error line', async () => {
    const file = writeSpec({ 38: '### Help {#crime.B action=deny}', 44: '    action: deny' });
    const error = await loadSpec(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpecError);
    const message = (error as SpecError).message;
    expect(message).toContain(`${file}:38:20: error: unknown action "deny"`);
    expect(message).toContain(`${file}:44:13: error: examples[0].action: unknown action "deny"`);
    expect(message).toMatch(/has 2 errors/);
  });
});

describe('checkSpec: warnings', () => {
  it('action=allow and an example action: allow are read as comply, each with a deprecated-action warning at its place', async () => {
    const file = writeSpec({
      16: '### Compliance {#style.comply action=allow}',
      26: '### Info {#crime.A action=allow}',
      35: '    action: allow',
    });
    const result = await checkSpec(file);
    const spec = result.spec!;
    expect(spec.styleGuides.find((guide) => guide.id === 'style.comply')!.action).toBe('comply');
    expect(spec.categories[0]!.rules[0]!.action).toBe('comply');
    expect(spec.categories[0]!.rules[0]!.examples[0]!.expectedAction).toBe('comply');
    const deprecated = result.diagnostics.filter((item) => item.code === 'deprecated-action');
    expect(deprecated.map((item) => [item.severity, item.location.line, item.location.column])).toEqual([
      ['warning', 16, 31],
      ['warning', 26, 20],
      ['warning', 35, 13],
    ]);
    expect(deprecated[1]!.message).toBe('action "allow" is deprecated and read as "comply": write "comply"');
    expect(deprecated[1]!.hint).toBe('write action=comply');
    expect(deprecated[2]!.message).toBe(
      'examples[0].action: action "allow" is deprecated and read as "comply": write "comply"',
    );
  });

  it('an allow spec and its comply twin have the same hash: the old word changes nothing but the warning', async () => {
    const old = await loadSpec(writeSpec({ 26: '### Info {#crime.A action=allow}', 35: '    action: allow' }));
    const current = await loadSpec(writeSpec());
    expect(old.hash).toBe(current.hash);
  });

  it('a rule without an example', async () => {
    const file = writeSpec({ 41: '', 42: '', 43: '', 44: '', 45: '' });
    const warning = (await warningsOf(file)).find((item) => item.code === 'rule-without-example')!;
    expect(warning.location).toEqual({ file, line: 38, column: 1 });
    expect(warning.message).toBe('rule crime.B has no example');
  });

  it('a vague word, at its own line and column, case-insensitive and whole words only', async () => {
    const file = writeSpec({ 39: 'Instructions are Usually refused; oftentimes not.' });
    const warnings = (await warningsOf(file)).filter((item) => item.code === 'vague-word');
    const warning = expectOne(warnings, { file, line: 39, column: 18 });
    expect(warning.message).toBe('vague word "Usually" in rule crime.B');
  });

  it('a vague word in a comment is not reported', async () => {
    const file = writeSpec({ 40: '<!-- this might change -->' });
    expect((await warningsOf(file)).filter((item) => item.code === 'vague-word')).toEqual([]);
  });

  it('a category over the token budget', async () => {
    const file = writeSpec();
    const warning = (await warningsOf(file, { tokenBudget: 10 })).find((item) => item.code === 'category-over-budget')!;
    expect(warning.location).toEqual({ file, line: 19, column: 1 });
    expect(warning.message).toMatch(/^category crime is \d+ tokens, over the budget of 10$/);
  });

  it('measureTokens: false counts no tokens and gives no budget warning (the same spec otherwise)', async () => {
    const file = writeSpec();
    const measured = await checkSpec(file, { tokenBudget: 10 });
    const unmeasured = await checkSpec(file, { tokenBudget: 10, measureTokens: false });
    expect(measured.tokens.length).toBeGreaterThan(0);
    expect(unmeasured.tokens).toEqual([]);
    expect(unmeasured.diagnostics.map((item) => item.code)).toEqual(
      measured.diagnostics.map((item) => item.code).filter((code) => code !== 'category-over-budget'),
    );
    expect(unmeasured.spec).toEqual(measured.spec);
  });

  it('loadSpec warns of a budget exactly where spec check does, on both sides of the count and of the bound', async () => {
    const file = writeSpec();
    const counts = (await checkSpec(file)).tokens[0]!;
    const budgetCodes = ['category-over-budget', 'summary-over-budget'];
    for (const [tokenBudget, summaryBudget] of [
      [counts.fullText, counts.summary],
      [counts.fullText - 1, counts.summary - 1],
      [counts.fullText + 5, counts.summary + 5],
    ] as const) {
      const checked = (await warningsOf(file, { tokenBudget, summaryBudget }))
        .filter((item) => budgetCodes.includes(item.code))
        .map(formatSpecDiagnostic);
      const loaded: string[] = [];
      await loadSpec(file, { tokenBudget, summaryBudget, onWarning: (text) => loaded.push(text) });
      expect(loaded.filter((text) => / tokens, over /.test(text))).toEqual(checked);
    }
    const over = await warningsOf(file, { tokenBudget: counts.fullText - 1, summaryBudget: counts.summary - 1 });
    expect(over.filter((item) => budgetCodes.includes(item.code))).toHaveLength(2);
  });

  it('hazard codes no category covers, listed with their names', async () => {
    const file = writeSpec();
    const warning = (await warningsOf(file)).find((item) => item.code === 'hazards-uncovered')!;
    expect(warning.location).toEqual({ file, line: 1, column: 1 });
    expect(warning.message).toContain('S1 Violent Crimes, S3 Sex-Related Crimes');
    expect(warning.message).not.toContain('S2 ');
  });

  it('an unknown section is rendered with the notes, with a warning', async () => {
    const file = writeSpec({ 23: '## Scope' });
    const warning = (await warningsOf(file)).find((item) => item.code === 'unknown-section')!;
    expect(warning.location).toEqual({ file, line: 23, column: 1 });
    const spec = await loadSpec(file);
    expect(spec.categories[0]!.notes).toBe('**Scope**');
  });
});

describe('spec hash', () => {
  it('is stable when YAML is re-indented and front-matter keys reordered', async () => {
    const original = await loadSpec(writeSpec());
    const reformatted = await loadSpec(
      writeSpec({
        2: 'version: "1.0.0"',
        3: 'id: t',
        5: '  - over:',
        6: '      - crime.A\n    prefer: crime.B',
        34: '  - action: comply',
        35: '    request: "How do locks work?"',
      }),
    );
    expect(reformatted.hash).toBe(original.hash);
  });

  it('changes when any text changes', async () => {
    const original = await loadSpec(writeSpec());
    const edited = await loadSpec(writeSpec({ 27: 'Information is allowed!' }));
    const retitled = await loadSpec(writeSpec({ 35: '    action: refuse' }));
    expect(edited.hash).not.toBe(original.hash);
    expect(retitled.hash).not.toBe(original.hash);
  });

  it('is the same with CRLF line ends', async () => {
    const original = await loadSpec(writeSpec());
    const file = path.join(temporaryFolder(), 'spec.md');
    writeFileSync(file, `${baseLines.join('\r\n')}\r\n`);
    const windows = await loadSpec(file);
    expect(windows.hash).toBe(original.hash);
    expect(windows.categories[0]!.rules[1]!.location.line).toBe(38);
  });

  it('is the same when the front-matter fences carry trailing spaces (an editor artefact)', async () => {
    const original = await loadSpec(writeSpec());
    const spaced = await loadSpec(writeSpec({ 1: '---  ' }));
    expect(spaced.hash).toBe(original.hash);
    expect(spaced.id).toBe(original.id);
  });

  it('does not depend on where the spec is stored', async () => {
    const first = await loadSpec(writeSpec());
    const second = await loadSpec(writeSpec());
    expect(second.files).not.toEqual(first.files);
    expect(second.hash).toBe(first.hash);
  });
});

describe('rule kinds', () => {
  const specWith = (ruleHeading: string) => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rule-kind-'));
    const file = path.join(folder, 'spec.md');
    const lines = [...baseLines];
    lines[25] = ruleHeading; // line 26: the first rule heading
    writeFileSync(file, lines.join('\n'));
    return file;
  };
  const errorsOf = async (file: string) =>
    (await checkSpec(file)).diagnostics.filter((entry) => entry.severity === 'error').map((entry) => entry.code);

  it('reads kind=behavioural with the complying action implied (or written), and no kind as safety', async () => {
    const implied = await loadSpec(specWith('### Info {#crime.A kind=behavioural}'));
    expect(implied.categories[0]!.rules[0]).toMatchObject({ id: 'crime.A', action: 'comply', kind: 'behavioural' });
    const written = await loadSpec(specWith('### Info {#crime.A action=comply kind=behavioural}'));
    expect(written.categories[0]!.rules[0]!.kind).toBe('behavioural');
    const safety = await loadSpec(specWith('### Info {#crime.A action=comply kind=safety}'));
    expect(safety.categories[0]!.rules[0]!.kind).toBeUndefined();
    // kind=safety is the default: written or not, the same hash.
    expect(safety.hash).toBe((await loadSpec(specWith('### Info {#crime.A action=comply}'))).hash);
  });

  it('rejects an unknown kind and a behavioural rule with another action', async () => {
    expect(await errorsOf(specWith('### Info {#crime.A action=comply kind=style}'))).toEqual(['unknown-rule-kind']);
    expect(await errorsOf(specWith('### Info {#crime.A action=refuse kind=behavioural}'))).toEqual([
      'behavioural-rule-action',
    ]);
  });
});
