/**
 * The shared data folder beside the repository (`../shared/data/<name>`), also found from a git worktree one level
 * further down (`../../shared/data/<name>`); null when absent (a fresh clone): tests that need it skip.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function sharedDataFolder(name: string): string | null {
  for (const up of ['..', '../..']) {
    const folder = path.resolve(repositoryRoot, up, 'shared/data', name);
    if (existsSync(folder)) return folder;
  }
  return null;
}
