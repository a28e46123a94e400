import type { Command } from 'commander';
import { DeliberateError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';

// PLACEHOLDER: replaced by the issue that builds this command.
export function registerEvalCommand(program: Command, _context: CliContext): void {
  program
    .command('eval')
    .description('Evaluate targets on benchmarks')
    .action(() => {
      throw new DeliberateError('not built yet');
    });
}
