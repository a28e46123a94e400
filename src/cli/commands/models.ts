import type { Command } from 'commander';
import { DeliberateError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';

// PLACEHOLDER: replaced by the issue that builds this command.
export function registerModelsCommand(program: Command, _context: CliContext): void {
  program
    .command('models')
    .description('Check configured models, pull GGUF files')
    .action(() => {
      throw new DeliberateError('not built yet');
    });
}
