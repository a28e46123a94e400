import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findPackageRoot } from '../io/package-root.js';

/** deliberate's own version, from its package.json (works from src/ and dist/); '0.0.0' when it cannot be read. */
export function packageVersion(): string {
  try {
    const text = readFileSync(path.join(findPackageRoot(), 'package.json'), 'utf8');
    return (JSON.parse(text) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
