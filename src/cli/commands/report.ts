import type { Command } from 'commander';
import { DeliberateError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';

// PLACEHOLDER: replaced by the issue that builds this command.
export function registerReportCommand(program: Command, _context: CliContext): void {
  program
    .command('report <evalDir...>')
    .description('Render eval logs as one self-contained HTML report')
    .action(() => {
      throw new DeliberateError('not built yet');
    });
}
