import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/run-cli.js';
import { findPackageRoot } from '../../io/package-root.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../..');
const hasExamples = ['examples/spec/spec.md', 'examples/prompts.jsonl', 'examples/deliberate.yaml'].every((file) =>
  existsSync(path.join(repositoryRoot, file)),
);

describe('deliberate init', () => {
  it('finds the package root from src/', () => {
    expect(findPackageRoot()).toBe(repositoryRoot);
  });

  it.skipIf(!hasExamples)(
    'writes a project whose spec checks clean, and refuses to overwrite without --force',
    async () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-init-'));
      const init = await runCli(['init', 'project'], { cwd: folder });
      expect(init.exitCode).toBe(0);
      expect(init.stdout).toMatch(
        /^wrote \d+ files into project: deliberate.yaml, spec\/ \(\d+ files\), prompts.jsonl/,
      );
      // The next steps run as written in a project that installed the package (the command is not on the PATH).
      expect(init.stdout).toContain(`npx deliberate spec check ${path.join('project', 'spec')}`);
      expect(init.stdout).not.toMatch(/^ {2}deliberate /m);
      const project = path.join(folder, 'project');
      expect(readFileSync(path.join(project, 'prompts.jsonl'), 'utf8')).toBe(
        readFileSync(path.join(repositoryRoot, 'examples/prompts.jsonl'), 'utf8'),
      );
      const check = await runCli(['spec', 'check', 'project/spec'], { cwd: folder });
      expect(check.exitCode).toBe(0);

      writeFileSync(path.join(project, 'prompts.jsonl'), '{"mine": true}\n');
      const again = await runCli(['init', 'project'], { cwd: folder });
      expect(again.exitCode).toBe(1);
      expect(again.stderr).toContain('deliberate.yaml');
      expect(again.stderr).toContain('prompts.jsonl');
      expect(again.stderr).toContain('--force');
      expect(readFileSync(path.join(project, 'prompts.jsonl'), 'utf8')).toBe('{"mine": true}\n');

      const forced = await runCli(['init', 'project', '--force'], { cwd: folder });
      expect(forced.exitCode).toBe(0);
      expect(readFileSync(path.join(project, 'prompts.jsonl'), 'utf8')).not.toBe('{"mine": true}\n');
    },
  );

  it.skipIf(!hasExamples)('refuses a target that is a file, naming it, and leaves the file alone', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-init-'));
    writeFileSync(path.join(folder, 'notes.txt'), 'mine');
    const init = await runCli(['init', 'notes.txt', '--force'], { cwd: folder });
    expect(init.exitCode).toBe(1);
    expect(init.stderr).not.toMatch(/internal error/);
    expect(init.stderr).toContain(`${path.join(folder, 'notes.txt')} is a file, not a folder`);
    expect(readFileSync(path.join(folder, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
