import type { Command } from 'commander';
import { DeliberateError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';

// PLACEHOLDER: replaced by the issue that builds this command.
export function registerCalibrateCommand(program: Command, _context: CliContext): void {
  program
    .command('calibrate')
    .description('Measure a grader against human labels')
    .action(() => {
      throw new DeliberateError('not built yet');
    });
}
