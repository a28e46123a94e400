/**
 * @module cli/commands/init
 * `deliberate init <dir> [--force]`: a starter project with the example spec, config and prompts.
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { initProject } from '../init-project.js';

/** Adds `init <dir> [--force]` to the program. */
export function registerInitCommand(program: Command, context: CliContext): void {
  program
    .command('init <dir>')
    .description('Write a starter project (deliberate.yaml, spec/, prompts.jsonl)')
    .option('--force', 'overwrite existing files')
    .action((dir: string, options: { force?: boolean }) => {
      const folder = path.resolve(context.cwd, dir);
      const written = initProject({ dir: folder, force: Boolean(options.force) });
      const specFiles = written.filter((file) => file.startsWith('spec/')).length;
      context.stdout(
        [
          `wrote ${written.length} files into ${dir}: deliberate.yaml, spec/ (${specFiles} files), prompts.jsonl`,
          'next:',
          `  npx deliberate spec check ${path.join(dir, 'spec')}`,
          `  npx deliberate spec render ${path.join(dir, 'spec')} --summary-only`,
          '',
        ].join('\n'),
      );
    });
}
