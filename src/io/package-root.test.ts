import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { findPackageRoot, packageFile } from './package-root.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');

describe('packageFile', () => {
  it('finds a file shipped with the package from src/', () => {
    expect(findPackageRoot()).toBe(repositoryRoot);
    const file = packageFile('templates/generate.md');
    expect(file).toBe(path.join(repositoryRoot, 'templates/generate.md'));
    expect(existsSync(file)).toBe(true);
  });

  it('names the missing file', () => {
    expect(() => packageFile('templates/no-such-template.md')).toThrow(ConfigError);
    expect(() => packageFile('templates/no-such-template.md')).toThrow(/templates\/no-such-template\.md/);
  });
});
