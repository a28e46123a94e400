import type { Command } from 'commander';
import { DeliberateError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';

// PLACEHOLDER: replaced by the pipeline issue (run, generate, judge, select, export).
export function registerPipelineCommands(program: Command, _context: CliContext): void {
  program
    .command('run')
    .description('Run the whole pipeline: generate, validate, judge, select, export')
    .action(() => {
      throw new DeliberateError('not built yet');
    });
}
