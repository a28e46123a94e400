/**
 * @module cli/commands/report
 * `deliberate report <evalDir>… -o report.html`: one self-contained HTML file from one or more eval logs.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { readEvalLogs } from '../../evals/report/read-eval-logs.js';
import { renderReport } from '../../evals/report/render-report.js';
import { writeFileAtomic } from '../../io/write-file-atomic.js';
import type { CliContext } from '../cli-context.js';

interface ReportOptions {
  output: string;
  title?: string;
  baseline?: string;
}

export function registerReportCommand(program: Command, context: CliContext): void {
  program
    .command('report <evalDir...>')
    .description('Render eval logs (eval out folders or eval-log.json files) as one self-contained HTML report')
    .option('-o, --output <file>', 'the HTML file to write', 'report.html')
    .option('--title <text>', 'title shown at the top of the report')
    .option('--baseline <arm>', 'the arm the safety-and-capability view compares each arm against (default: the first)')
    .action((evalDirs: string[], options: ReportOptions) => {
      const logs = readEvalLogs(evalDirs.map((target) => path.resolve(context.cwd, target)));
      const html = renderReport(logs, { title: options.title, baseline: options.baseline });
      const output = path.resolve(context.cwd, options.output);
      writeFileAtomic(output, html);
      const results = logs.reduce(
        (sum, { log }) => sum + log.benchmarks.reduce((count, benchmark) => count + benchmark.results.length, 0),
        0,
      );
      context.stdout(
        `report: wrote ${output} (${logs.length} eval log${logs.length === 1 ? '' : 's'}, ${results} results, ${Math.round(html.length / 1024)} KiB)\n`,
      );
    });
}
