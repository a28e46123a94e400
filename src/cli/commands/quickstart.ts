import type { Command } from 'commander';
import { DeliberateError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';

// PLACEHOLDER: replaced by the issue that builds this command.
export function registerQuickstartCommand(program: Command, _context: CliContext): void {
  program
    .command('quickstart [dir]')
    .description('Create a starter project and run the whole pipeline on it')
    .action(() => {
      throw new DeliberateError('not built yet');
    });
}
