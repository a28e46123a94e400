import type { Command } from 'commander';
import { DeliberateError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';

// PLACEHOLDER: replaced by the issue that builds this command.
export function registerInitCommand(program: Command, _context: CliContext): void {
  program
    .command('init <dir>')
    .description('Write a starter project (deliberate.yaml, spec/, prompts.jsonl)')
    .action(() => {
      throw new DeliberateError('not built yet');
    });
}
