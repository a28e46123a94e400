import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../cli-context.js';
import { findPackageRoot } from '../init-project.js';
import { main } from '../main.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../..');
const hasExamples = ['examples/spec/spec.md', 'examples/prompts.jsonl', 'examples/deliberate.yaml'].every((file) =>
  existsSync(path.join(repositoryRoot, file)),
);

async function run(argv: string[], cwd: string) {
  const output = { stdout: '', stderr: '' };
  const context: CliContext = {
    stdout: (text) => {
      output.stdout += text;
    },
    stderr: (text) => {
      output.stderr += text;
    },
    env: {},
    cwd,
    signal: new AbortController().signal,
    interactive: false,
  };
  return { code: await main(argv, context), ...output };
}

describe('deliberate init', () => {
  it('finds the package root from src/', () => {
    expect(findPackageRoot()).toBe(repositoryRoot);
  });

  it.skipIf(!hasExamples)(
    'writes a project whose spec checks clean, and refuses to overwrite without --force',
    async () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-init-'));
      const init = await run(['init', 'project'], folder);
      expect(init.code).toBe(0);
      expect(init.stdout).toMatch(
        /^wrote \d+ files into project: deliberate.yaml, spec\/ \(\d+ files\), prompts.jsonl/,
      );
      const project = path.join(folder, 'project');
      expect(readFileSync(path.join(project, 'prompts.jsonl'), 'utf8')).toBe(
        readFileSync(path.join(repositoryRoot, 'examples/prompts.jsonl'), 'utf8'),
      );
      const check = await run(['spec', 'check', 'project/spec'], folder);
      expect(check.code).toBe(0);

      writeFileSync(path.join(project, 'prompts.jsonl'), '{"mine": true}\n');
      const again = await run(['init', 'project'], folder);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('deliberate.yaml');
      expect(again.stderr).toContain('prompts.jsonl');
      expect(again.stderr).toContain('--force');
      expect(readFileSync(path.join(project, 'prompts.jsonl'), 'utf8')).toBe('{"mine": true}\n');

      const forced = await run(['init', 'project', '--force'], folder);
      expect(forced.code).toBe(0);
      expect(readFileSync(path.join(project, 'prompts.jsonl'), 'utf8')).not.toBe('{"mine": true}\n');
    },
  );
});
