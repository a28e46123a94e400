import type { Command } from 'commander';
import { DeliberateError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';

// PLACEHOLDER: replaced by the issue that builds this command.
export function registerPromptsCommand(program: Command, _context: CliContext): void {
  program
    .command('prompts')
    .description('Prepare prompts (dedup, decontaminate, benign look-alikes)')
    .action(() => {
      throw new DeliberateError('not built yet');
    });
}
