/**
 * @module cli/commands/spec
 * `deliberate spec check|render|export|import`: check a spec (file:line:col problems), render spec(category), export a
 * category as a gpt-oss-safeguard policy, import SpecBench scenarios as a spec folder.
 */
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '../../errors.js';
import { tokenizerName } from '../../io/count-tokens.js';
import { writeFileAtomic } from '../../io/write-file-atomic.js';
import type { SpecDiagnostic } from '../../records/spec.js';
import { uncoveredHazards } from '../../spec/check-spec.js';
import { exportSafeguardPolicy } from '../../spec/export-safeguard-policy.js';
import { checkSpec, loadSpec } from '../../spec/load-spec.js';
import { renderSpec } from '../../spec/render-spec.js';
import { formatSpecDiagnostic } from '../../spec/spec-diagnostics.js';
import { importSpecBenchSpec } from '../../spec/specbench/import-specbench-spec.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-code.js';

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return number;
}

/** Adds `spec check`, `spec render` and `spec export` to the program. */
export function registerSpecCommand(program: Command, context: CliContext): void {
  const spec = program.command('spec').description('Check, render and export a safety spec');

  spec
    .command('check <path>')
    .description('Check a spec (file or folder); problems are printed as file:line:col: error|warning: message')
    .option('--json', 'print one JSON object on stdout')
    .option('--token-budget <tokens>', 'tokens allowed per category full text', positiveInteger, 10_000)
    .action(async (specPath: string, options: { json?: boolean; tokenBudget: number }) => {
      await runSpecCheck(context, specPath, options);
    });

  spec
    .command('render <path>')
    .description('Print spec(category): every summary, the style guides and the full text of the chosen categories')
    .option('--category <ids>', 'category id(s), comma-separated (multi-label: all of them)')
    .option('--summary-only', 'no category in full')
    .action(async (specPath: string, options: { category?: string; summaryOnly?: boolean }) => {
      if (Boolean(options.category) === Boolean(options.summaryOnly))
        throw new ConfigError('give either --category <id>[,<id>…] or --summary-only', {
          hint: 'e.g. deliberate spec render spec/ --category illicit',
        });
      const loaded = await loadSpec(resolveInput(context, specPath), {
        onWarning: (formatted) => context.stderr(`${formatted}\n`),
      });
      const selection = options.summaryOnly
        ? ({ summaryOnly: true } as const)
        : { categoryIds: splitIds(options.category ?? '') };
      context.stdout(renderSpec(loaded, selection));
    });

  spec
    .command('export <path>')
    .description('Export one category as a gpt-oss-safeguard policy (400–600 tokens recommended)')
    .requiredOption('--format <format>', 'export format: safeguard')
    .requiredOption('--category <id>', 'the category to export')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (specPath: string, options: { format: string; category: string; output?: string }) => {
      if (options.format !== 'safeguard')
        throw new ConfigError(`unknown export format "${options.format}"`, { hint: 'the format is: safeguard' });
      const loaded = await loadSpec(resolveInput(context, specPath), {
        onWarning: (formatted) => context.stderr(`${formatted}\n`),
      });
      const policy = exportSafeguardPolicy(loaded, options.category);
      for (const warning of policy.warnings) context.stderr(`warning: ${warning}\n`);
      if (options.output) {
        const file = path.resolve(context.cwd, options.output);
        writeFileAtomic(file, policy.text);
        context.stderr(`wrote ${options.output} (${policy.tokens} tokens, ${tokenizerName})\n`);
      } else context.stdout(policy.text);
    });

  spec
    .command('import <format> <folder>')
    .description(
      'Import a third-party spec as a spec folder: specbench (a SpecBench scenario folder, or a folder of them; one category per scenario)',
    )
    .requiredOption('--out <dir>', 'the spec folder to write')
    .option('--force', 'replace --out when it exists and is not empty')
    .action(async (format: string, folder: string, options: { out: string; force?: boolean }) => {
      if (format !== 'specbench')
        throw new ConfigError(`unknown import format "${format}"`, {
          hint: 'the format is: specbench (deliberate spec import specbench <scenario folder> --out <spec dir>)',
        });
      const result = await importSpecBenchSpec({
        source: resolveInput(context, folder),
        out: resolveInput(context, options.out),
        force: options.force,
      });
      for (const entry of result.scenarios)
        context.stdout(
          `  ${entry.id}: ${entry.safetyRules} safety rules, ${entry.behaviouralRules} behavioural rules (${entry.name})\n`,
        );
      context.stdout(
        `wrote ${displayPath(context, result.out)} (${result.scenarios.length} categor${result.scenarios.length === 1 ? 'y' : 'ies'}; spec check: valid, ${result.warnings.length} warnings)\n`,
      );
    });

  for (const command of spec.commands)
    command.exitOverride().configureOutput({ writeOut: context.stdout, writeErr: context.stderr });
}

async function runSpecCheck(
  context: CliContext,
  specPath: string,
  options: { json?: boolean; tokenBudget: number },
): Promise<void> {
  const result = await checkSpec(resolveInput(context, specPath), { tokenBudget: options.tokenBudget });
  const diagnostics = result.diagnostics.map((diagnostic) => ({
    ...diagnostic,
    location: { ...diagnostic.location, file: displayPath(context, diagnostic.location.file) },
  }));
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  const warnings = diagnostics.filter((diagnostic) => diagnostic.severity === 'warning');
  for (const diagnostic of diagnostics) context.stderr(`${formatSpecDiagnostic(diagnostic)}\n`);
  const spec = result.spec;
  const tokensById = new Map(result.tokens.map((count) => [count.categoryId, count.fullText]));
  const categories = (spec?.categories ?? []).map((category) => ({
    id: category.id,
    rules: category.rules.length,
    examples: category.rules.reduce((sum, rule) => sum + rule.examples.length, 0),
    tokens: tokensById.get(category.id) ?? 0,
  }));
  if (options.json) {
    const report = {
      valid: spec !== null,
      id: spec?.id ?? null,
      version: spec?.version ?? null,
      hash: spec?.hash ?? null,
      tokenizer: tokenizerName,
      categories,
      hazardsUncovered: spec ? uncoveredHazards(spec) : [],
      warnings: warnings.map(diagnosticJson),
      errors: errors.map(diagnosticJson),
    };
    context.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else if (spec) {
    const rules = categories.reduce((sum, category) => sum + category.rules, 0);
    const examples = categories.reduce((sum, category) => sum + category.examples, 0);
    const width = Math.max(...categories.map((category) => category.id.length), 8);
    const lines = [
      `spec ${spec.id} version ${spec.version}`,
      `hash ${spec.hash}`,
      `${categories.length} categories, ${rules} rules, ${examples} examples (tokens counted with ${tokenizerName})`,
      ...categories.map(
        (category) =>
          `  ${category.id.padEnd(width)}  ${String(category.rules).padStart(3)} rules  ${String(category.examples).padStart(3)} examples  ${String(category.tokens).padStart(6)} tokens`,
      ),
      `valid${warnings.length > 0 ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''}`,
    ];
    context.stdout(`${lines.join('\n')}\n`);
  } else {
    context.stderr(
      `${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings.length} warnings: spec is invalid\n`,
    );
  }
  if (!spec) throw new ExitCode(1);
}

function diagnosticJson(diagnostic: SpecDiagnostic) {
  return {
    file: diagnostic.location.file,
    line: diagnostic.location.line,
    column: diagnostic.location.column,
    message: diagnostic.message,
    hint: diagnostic.hint ?? null,
    code: diagnostic.code,
  };
}

function splitIds(value: string): string[] {
  return value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

/** The spec path as the library reads it: relative paths are resolved against the command's working directory. */
function resolveInput(context: CliContext, specPath: string): string {
  return path.resolve(context.cwd, specPath);
}

/** Paths in messages: relative to the working directory when inside it, so they are short and clickable. */
function displayPath(context: CliContext, file: string): string {
  const relative = path.relative(context.cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
