/**
 * The user docs stand alone: every relative link in README.md, ARCHITECTURE.md and docs/ points at a file of this
 * repository, and no doc cites a design note (FORMATS.md, METHOD.md …) that the repository does not have. Nor does
 * any source comment, template, adapter or test: each statement stands on its own or cites a public source.
 */
import { execFileSync } from 'node:child_process';
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

const tracked = execFileSync(
  'git',
  ['ls-files', '--', 'src', 'bin', 'templates', 'adapters', 'python', 'bench', 'test', 'examples', 'stubs'],
  { cwd: root, encoding: 'utf8' },
)
  .split('\n')
  .filter((file) => /\.(ts|js|py|md|sh|yaml|txt)$/.test(file) && file !== 'test/docs-links.test.ts');

describe('source, templates and adapters', () => {
  it('name no Markdown design note that is not in the repository', () => {
    const cited = tracked.flatMap((file) =>
      [...readFileSync(path.join(root, file), 'utf8').matchAll(/\b([A-Z][A-Z_-]*\.md)\b/g)]
        .map((match) => match[1]!)
        .filter((name) => !existsSync(path.join(root, name)) && !existsSync(path.join(root, 'docs', name)))
        .map((name) => `${file}: ${name}`),
    );
    expect(cited).toEqual([]);
  });
});
