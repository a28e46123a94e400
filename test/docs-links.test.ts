/**
 * The user docs stand alone: every relative link in README.md, ARCHITECTURE.md and docs/ points at a file of this
 * repository, and no doc cites a design note (FORMATS.md, METHOD.md …) that the repository does not have.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const docs = [
  'README.md',
  'ARCHITECTURE.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

describe('user docs', () => {
  it.each(docs)('%s links only to files that exist', (doc) => {
    const text = readFileSync(path.join(root, doc), 'utf8');
    const missing = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((match) => match[1]!)
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => !existsSync(path.resolve(path.dirname(path.join(root, doc)), target)));
    expect(missing).toEqual([]);
  });

  it.each(docs)('%s names no Markdown file that is not in the repository', (doc) => {
    const text = readFileSync(path.join(root, doc), 'utf8');
    const named = [...text.matchAll(/\b([A-Z][A-Z_-]*\.md)\b/g)].map((match) => match[1]!);
    const absent = named.filter(
      (name) => !existsSync(path.join(root, name)) && !existsSync(path.join(root, 'docs', name)),
    );
    expect([...new Set(absent)]).toEqual([]);
  });
});
