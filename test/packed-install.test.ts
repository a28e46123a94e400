/**
 * The package as a user installs it: packed with `npm pack`, installed into a fresh project offline from the npm
 * cache, then `npx deliberate --help`, `init` and `spec check` run there. Install scripts are skipped (none of these
 * commands loads better-sqlite3's native addon, and compiling it takes a minute).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderBytes, npmEnvironment, packRepository, writeConsumerProject } from './helpers/packed-install.js';

const repositoryRoot = path.resolve(import.meta.dirname, '..');
const maxInstallBytes = 150 * 1024 * 1024;
const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-packed-'));
const project = path.join(folder, 'consumer');
let packedFiles: string[] = [];

function npx(args: string[]) {
  return spawnSync('npx', ['--offline', 'deliberate', ...args], {
    cwd: project,
    env: { ...npmEnvironment(), NO_COLOR: '1' },
    encoding: 'utf8',
  });
}

beforeAll(() => {
  execFileSync('mkdir', ['-p', project]);
  const tarball = packRepository(repositoryRoot, project);
  packedFiles = tarball.files;
  writeConsumerProject(project, tarball.filename, repositoryRoot);
  execFileSync('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: project,
    env: npmEnvironment(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}, 480_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the packed package, installed into a project', () => {
  it('ships the CLI, templates and examples, and none of the repository-only files', () => {
    expect(packedFiles).toContain('bin/deliberate.js');
    expect(packedFiles).toContain('dist/cli/main.js');
    expect(packedFiles).toContain('templates/generate.md');
    expect(packedFiles).toContain('examples/deliberate.yaml');
    expect(packedFiles).toContain('config.schema.json');
    expect(packedFiles.filter((file) => /^(src|test|stubs)\//.test(file))).toEqual([]);
  });

  it(`stays under ${maxInstallBytes / 1024 / 1024} MB, without the optional node-llama-cpp`, () => {
    const bytes = folderBytes(path.join(project, 'node_modules'));
    console.log(`installed size as a dependency: ${(bytes / 1024 / 1024).toFixed(1)} MB`);
    expect(bytes).toBeLessThan(maxInstallBytes);
    expect(existsSync(path.join(project, 'node_modules', 'node-llama-cpp'))).toBe(false);
    expect(existsSync(path.join(project, 'node_modules', '@node-llama-cpp'))).toBe(false);
  });

  it('npx deliberate --help lists the commands', { timeout: 90_000 }, () => {
    const help = npx(['--help']);
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: deliberate /);
    expect(help.stdout).toMatch(/\binit\b[\s\S]*\bspec\b[\s\S]*\brun\b[\s\S]*\beval\b/);
  });

  it('init writes a starter project whose spec checks clean, with the schema path of the installed package', {
    timeout: 120_000,
  }, () => {
    const init = npx(['init', 'safety']);
    expect(init.status).toBe(0);
    expect(init.stdout).toContain('npx deliberate spec check safety/spec');
    const check = npx(['spec', 'check', 'safety/spec']);
    expect(check.stderr).not.toMatch(/error/i);
    expect(check.status).toBe(0);
    const schema = path.join(project, 'node_modules', 'deliberate-align', 'config.schema.json');
    expect(existsSync(schema)).toBe(true);
  });

  it('a gguf role says how to add the optional backend', { timeout: 90_000 }, () => {
    writeFileSync(path.join(project, 'model.gguf'), 'not a model');
    writeFileSync(
      path.join(project, 'gguf.yaml'),
      'spec: ./safety/spec\nprompts: ./safety/prompts.jsonl\nmodels:\n  teacher: { provider: gguf, path: ./model.gguf }\n  judge: { provider: gguf, path: ./model.gguf }\n',
    );
    const check = npx(['models', 'check', '--config', 'gguf.yaml']);
    expect(check.status).not.toBe(0);
    expect(`${check.stdout}${check.stderr}`).toContain('npm i node-llama-cpp@^3');
  });
});
