/**
 * @module cli/init-project
 * `deliberate init`: copies the package's example project (deliberate.yaml, spec/, prompts.jsonl) into a folder.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { findPackageRoot, packageName } from '../io/package-root.js';

export interface InitProjectOptions {
  /** The folder to write into (created when missing). */
  dir: string;
  /** Overwrite files that already exist. */
  force: boolean;
  /** Where examples/ lives; defaults to the installed package. */
  packageRoot?: string;
}

/** Copies examples/deliberate.yaml, examples/spec/ and examples/prompts.jsonl into `dir`; returns the files written. */
export function initProject(options: InitProjectOptions): string[] {
  const examples = path.join(options.packageRoot ?? findPackageRoot(), 'examples');
  const copies: { from: string; to: string }[] = [
    { from: path.join(examples, 'deliberate.yaml'), to: 'deliberate.yaml' },
    ...listFiles(path.join(examples, 'spec')).map((relative) => ({
      from: path.join(examples, 'spec', relative),
      to: path.join('spec', relative),
    })),
    { from: path.join(examples, 'prompts.jsonl'), to: 'prompts.jsonl' },
  ];
  const missing = copies.filter((copy) => !existsSync(copy.from)).map((copy) => copy.from);
  if (missing.length > 0)
    throw new ConfigError(`the package's example files are missing: ${missing.join(', ')}`, {
      hint: `reinstall ${packageName} (npm i -D ${packageName}); the examples/ folder ships with the package`,
    });
  if (existsSync(options.dir) && !statSync(options.dir).isDirectory())
    throw new ConfigError(`${options.dir} is a file, not a folder`, {
      hint: 'choose a folder name that does not exist yet (it is created), or an existing folder',
    });
  const existing = copies.filter((copy) => existsSync(path.join(options.dir, copy.to))).map((copy) => copy.to);
  if (existing.length > 0 && !options.force)
    throw new ConfigError(`${options.dir} already has ${existing.join(', ')}`, {
      hint: 'pass --force to overwrite them, or choose an empty folder',
    });
  // Write every file to a temp name first, then rename them all: a failure leaves no half-written project.
  const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const staged: { temporary: string; target: string }[] = [];
  try {
    for (const copy of copies) {
      const target = path.join(options.dir, copy.to);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(`${target}${suffix}`, readFileSync(copy.from));
      staged.push({ temporary: `${target}${suffix}`, target });
    }
  } catch (error) {
    for (const file of staged) rmSync(file.temporary, { force: true });
    throw error;
  }
  for (const file of staged) renameSync(file.temporary, file.target);
  return copies.map((copy) => copy.to.split(path.sep).join('/'));
}

function listFiles(folder: string, relative = ''): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(path.join(folder, relative), { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .flatMap((entry) => {
      const child = relative === '' ? entry.name : path.join(relative, entry.name);
      return entry.isDirectory() ? listFiles(folder, child) : entry.isFile() ? [child] : [];
    })
    .sort();
}
