import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/run-cli.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../..');
const tinySpec = path.join(repositoryRoot, 'src/spec/__fixtures__/tiny-spec');
const exampleSpec = path.join(repositoryRoot, 'examples/spec');

/** Runs `deliberate …` in-process, from the repository root unless told otherwise. */
function run(argv: string[], cwd = repositoryRoot) {
  return runCli(argv, { cwd });
}

function temporaryFolder(): string {
  return mkdtempSync(path.join(tmpdir(), 'deliberate-spec-cli-'));
}

describe('deliberate spec check', () => {
  it('a valid spec exits 0 with a summary on stdout and warnings on stderr as file:line:col', async () => {
    const result = await run(['spec', 'check', 'src/spec/__fixtures__/tiny-spec']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('spec tiny-safety version 0.1.0');
    expect(result.stdout).toMatch(/2 categories, 4 rules, 4 examples \(tokens counted with qwen3\)/);
    expect(result.stdout).toMatch(/illicit\s+2 rules\s+2 examples\s+\d+ tokens/);
    expect(result.stderr).toContain(
      'src/spec/__fixtures__/tiny-spec/spec.md:1:1: warning: no category covers hazard S3 Sex-Related Crimes',
    );
  });

  it('--json prints exactly one JSON object', async () => {
    const result = await run(['spec', 'check', tinySpec, '--json']);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      valid: true,
      id: 'tiny-safety',
      version: '0.1.0',
      tokenizer: 'qwen3',
      errors: [],
    });
    expect(report.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(report.categories.map((category: { id: string }) => category.id)).toEqual(['illicit', 'self-harm']);
    expect(report.categories[0]).toMatchObject({ rules: 2, examples: 2 });
    expect(report.hazardsUncovered).toContain('S5');
    expect(report.warnings[0]).toMatchObject({ line: 1, column: 1, code: 'hazards-uncovered' });
  });

  it('front matter that is not valid YAML exits 1 with file:line:col: error:', async () => {
    const folder = temporaryFolder();
    writeFileSync(path.join(folder, 'spec.md'), '---\nid: broken\nversion: "1": x\n---\n## Summary\nS.\n');
    const result = await run(['spec', 'check', 'spec.md'], folder);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'spec.md:3:10: error: invalid YAML in the front matter: Nested mappings are not allowed in compact mappings (',
    );
  });

  it('an invalid spec with --json exits 1 and lists the errors as objects', async () => {
    const folder = temporaryFolder();
    cpSync(tinySpec, folder, { recursive: true });
    const categoryFile = path.join(folder, 'categories/illicit.md');
    writeFileSync(
      categoryFile,
      readFileSync(categoryFile, 'utf8').replace('{#illicit.K3 action=refuse}', '{#illicit.K3 action=deny}'),
    );
    const result = await run(['spec', 'check', '.', '--json'], folder);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.valid).toBe(false);
    expect(report.errors).toEqual([
      {
        file: 'categories/illicit.md',
        line: 27,
        column: 46,
        message: 'unknown action "deny"',
        hint: 'use one of comply, refuse, safe-complete, escalate',
        code: 'unknown-action',
      },
    ]);
    expect(result.stderr).toContain('categories/illicit.md:27:46: error: unknown action "deny" (use one of');
  });

  it('--token-budget turns a long category into a warning', async () => {
    const result = await run(['spec', 'check', tinySpec, '--json', '--token-budget', '50']);
    const report = JSON.parse(result.stdout);
    expect(report.valid).toBe(true);
    expect(report.warnings.map((warning: { code: string }) => warning.code)).toContain('category-over-budget');
  });

  it.skipIf(!existsSync(exampleSpec))(
    'examples/spec is valid, with at least 10 categories, 40 rules and 40 examples and no warnings',
    async () => {
      const result = await run(['spec', 'check', 'examples/spec', '--json']);
      const report = JSON.parse(result.stdout);
      expect(report.errors).toEqual([]);
      expect(report.warnings).toEqual([]);
      expect(report.valid).toBe(true);
      expect(report.categories.length).toBeGreaterThanOrEqual(10);
      const sum = (key: string) =>
        report.categories.reduce((total: number, category: Record<string, number>) => total + category[key]!, 0);
      expect(sum('rules')).toBeGreaterThanOrEqual(40);
      expect(sum('examples')).toBeGreaterThanOrEqual(40);
      expect(result.exitCode).toBe(0);
    },
  );
});

describe('deliberate spec render and export', () => {
  it('render --category prints spec(category); --summary-only prints no rule', async () => {
    const full = await run(['spec', 'render', tinySpec, '--category', 'illicit,self-harm']);
    expect(full.exitCode).toBe(0);
    expect(full.stdout).toContain('#### illicit.K3 (refuse)');
    expect(full.stdout).toContain('#### self-harm.S3 (safe-complete)');
    const summary = await run(['spec', 'render', tinySpec, '--summary-only']);
    expect(summary.exitCode).toBe(0);
    expect(summary.stdout).not.toContain('illicit.K3');
  });

  it('render without a selection, or with an unknown category, exits 1 with a hint', async () => {
    const neither = await run(['spec', 'render', tinySpec]);
    expect(neither.exitCode).toBe(1);
    expect(neither.stderr).toContain('give either --category');
    const unknown = await run(['spec', 'render', tinySpec, '--category', 'crime']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain(
      'unknown category "crime" in spec tiny-safety (known categories: illicit, self-harm)',
    );
  });

  it('export --format safeguard writes the policy to a file', async () => {
    const folder = temporaryFolder();
    const result = await run(
      ['spec', 'export', tinySpec, '--format', 'safeguard', '--category', 'illicit', '-o', 'policy.md'],
      folder,
    );
    expect(result.exitCode).toBe(0);
    expect(readFileSync(path.join(folder, 'policy.md'), 'utf8')).toMatch(/^# Illicit behaviour \(#illicit\)\n/);
    expect(result.stderr).toMatch(/wrote policy\.md \(\d+ tokens, qwen3\)/);
    const unknownFormat = await run(['spec', 'export', tinySpec, '--format', 'llama-guard', '--category', 'illicit']);
    expect(unknownFormat.exitCode).toBe(1);
  });
});

describe('deliberate spec import specbench', () => {
  it('writes a spec folder that spec check accepts, and rejects an unknown format', async () => {
    const { twoScenarios, writeSpecBenchFixture } = await import('../../../test/helpers/specbench-fixture.js');
    const root = writeSpecBenchFixture(temporaryFolder(), twoScenarios);
    const out = path.join(temporaryFolder(), 'spec');
    const imported = await run(['spec', 'import', 'specbench', root, '--out', out]);
    expect(imported.exitCode).toBe(0);
    expect(imported.stdout).toContain('child: 2 safety rules, 2 behavioural rules (Child storytelling)');
    const checked = await run(['spec', 'check', out]);
    expect(checked.exitCode).toBe(0);
    expect(checked.stdout).toContain('2 categories, 6 rules');
    const unknown = await run([
      'spec',
      'import',
      'openai-model-spec',
      root,
      '--out',
      path.join(temporaryFolder(), 'x'),
    ]);
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toContain('unknown import format "openai-model-spec"');
  });
});
