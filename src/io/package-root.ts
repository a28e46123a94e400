/**
 * @module io/package-root
 * Finds deliberate's own package folder and the files it ships (templates/, examples/, package.json), from src/ or
 * a dist/ chunk alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';

/** The name deliberate is published under on npm (the command it installs is `deliberate`). */
export const packageName = 'deliberate-align';

/** The folder holding deliberate's package.json, found by walking up from this file (works from src/ and dist/). */
export function findPackageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let folder = path.dirname(from);
  for (;;) {
    const manifest = path.join(folder, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === packageName) return folder;
      } catch {
        // not a readable package.json: keep walking up
      }
    }
    const parent = path.dirname(folder);
    if (parent === folder) throw new ConfigError(`cannot find the ${packageName} package folder (package.json)`);
    folder = parent;
  }
}

/** A file shipped with the package (templates/, examples/), by its path relative to the package folder. */
export function packageFile(relative: string): string {
  const file = path.join(findPackageRoot(), relative);
  if (!existsSync(file)) {
    throw new ConfigError(`cannot find ${relative} in the ${packageName} package`, {
      location: file,
      hint: `reinstall ${packageName} (npm i -D ${packageName}); its package includes the templates/ and examples/ folders`,
    });
  }
  return file;
}
