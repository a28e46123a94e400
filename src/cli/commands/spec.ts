import type { Command } from 'commander';
import { DeliberateError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';

// PLACEHOLDER: replaced by the issue that builds this command.
export function registerSpecCommand(program: Command, _context: CliContext): void {
  program
    .command('spec')
    .description('Check, render and export a safety spec')
    .action(() => {
      throw new DeliberateError('not built yet');
    });
}
