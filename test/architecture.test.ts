/**
 * Checks the import arrows of ARCHITECTURE.md: imports point left, siblings never import each other.
 *   records ← io ← { spec, models } ← grading ← { pipeline, evals, servers } ← cli
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../src');

/** What each folder may import (besides itself and errors.ts). */
const allowed: Record<string, string[]> = {
  records: [],
  io: ['records'],
  spec: ['records', 'io'],
  models: ['records', 'io'],
  grading: ['records', 'io', 'spec', 'models'],
  pipeline: ['records', 'io', 'spec', 'models', 'grading'],
  evals: ['records', 'io', 'spec', 'models', 'grading'],
  servers: ['records', 'io', 'spec', 'models', 'grading'],
  testing: ['records', 'models'],
  cli: ['records', 'io', 'spec', 'models', 'grading', 'pipeline', 'evals', 'servers'],
};

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    if (statSync(full).isDirectory()) return name === '__fixtures__' ? [] : sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

function topFolder(file: string): string {
  const relative = path.relative(root, file);
  return relative.includes(path.sep) ? relative.split(path.sep)[0]! : relative;
}

const importPattern =
  /(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

describe('architecture', () => {
  const files = sourceFiles(root);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('imports point left (ARCHITECTURE.md)', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = topFolder(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(importPattern)) {
        const target = path.resolve(path.dirname(file), (match[1] ?? match[2])!);
        const to = topFolder(target);
        if (to === 'index.ts')
          violations.push(`${path.relative(root, file)} imports index.ts (nothing inside src/ may)`);
        if (from === 'index.ts' || to === from || to === 'errors.ts' || to === 'errors.js') continue;
        const permitted = allowed[from];
        if (!permitted) {
          violations.push(`${path.relative(root, file)}: folder "${from}" is not in ARCHITECTURE.md`);
        } else if (!permitted.includes(to)) {
          violations.push(
            `${path.relative(root, file)} imports ${path.relative(root, target)} (${from} → ${to} is not allowed)`,
          );
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('only cli/ touches process.env, process.exit or argv', () => {
    const offenders = files
      .filter((file) => topFolder(file) !== 'cli')
      .filter((file) => /process\.(env|exit|argv)\b/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(offenders).toEqual([]);
  });

  it('records/ does no file or network access', () => {
    const offenders = files
      .filter((file) => topFolder(file) === 'records')
      .filter((file) => /from ['"]node:(fs|http|https|net|child_process)/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(offenders).toEqual([]);
  });
});
