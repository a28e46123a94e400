/**
 * @module cli/command-table
 * Every top-level command with its help line, and the module that defines it. `deliberate --help` prints the table
 * without loading any command module; a command line loads only the module of the command it names, so the spec
 * parser, the tokenizer, SQLite, node-llama-cpp, charts and Parquet load only in the commands that use them.
 * `command-table.test.ts` checks every line against the real definitions.
 */
import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';

export type RegisterCommand = (program: Command, context: CliContext) => void;

/** A module that adds one or more commands to the program. Add a new command module here and in `commandTable`. */
export const commandModules = {
  quickstart: async () => (await import('./commands/quickstart.js')).registerQuickstartCommand,
  init: async () => (await import('./commands/init.js')).registerInitCommand,
  spec: async () => (await import('./commands/spec.js')).registerSpecCommand,
  models: async () => (await import('./commands/models.js')).registerModelsCommand,
  prompts: async () => (await import('./commands/prompts.js')).registerPromptsCommand,
  pipeline: async () => (await import('./commands/pipeline.js')).registerPipelineCommands,
  eval: async () => (await import('./commands/eval.js')).registerEvalCommand,
  calibrate: async () => (await import('./commands/calibrate.js')).registerCalibrateCommand,
  report: async () => (await import('./commands/report.js')).registerReportCommand,
  guard: async () => (await import('./commands/guard.js')).registerGuardCommand,
  reward: async () => (await import('./commands/reward.js')).registerRewardCommand,
  train: async () => (await import('./commands/train.js')).registerTrainCommand,
} satisfies Record<string, () => Promise<RegisterCommand>>;

export type CommandModuleName = keyof typeof commandModules;

export interface CommandLine {
  /** The command's name, as typed. */
  name: string;
  /** What `--help` prints on the left: name, `[options]` when it has any, and its arguments. */
  term: string;
  description: string;
  /** The module whose register function defines it (a module's commands are listed together, in its order). */
  module: CommandModuleName;
}

/** The top-level commands in the order `--help` lists them. */
export const commandTable: readonly CommandLine[] = [
  {
    name: 'quickstart',
    term: 'quickstart [options] [dir]',
    description: 'Create a starter project and run the whole pipeline on it (finds a model for you)',
    module: 'quickstart',
  },
  {
    name: 'init',
    term: 'init [options] <dir>',
    description: 'Write a starter project (deliberate.yaml, spec/, prompts.jsonl)',
    module: 'init',
  },
  { name: 'spec', term: 'spec', description: 'Check, render and export a safety spec', module: 'spec' },
  {
    name: 'models',
    term: 'models',
    description: "Check each role's model, pull GGUF files, write and read batch files",
    module: 'models',
  },
  {
    name: 'prompts',
    term: 'prompts',
    description: 'Prepare prompts: dedup, decontaminate, benign look-alikes',
    module: 'prompts',
  },
  {
    name: 'run',
    term: 'run [options]',
    description: 'Run the whole pipeline: prompts → generate → validate → judge → select → export (resumable)',
    module: 'pipeline',
  },
  {
    name: 'generate',
    term: 'generate [options]',
    description: "Prepare prompts and generate the teacher's completions (validated), stopping before the judge",
    module: 'pipeline',
  },
  {
    name: 'judge',
    term: 'judge [options]',
    description: 'Run up to the judge stage (generating what is missing)',
    module: 'pipeline',
  },
  {
    name: 'select',
    term: 'select [options]',
    description: 'Run up to selection: samples.jsonl says why each sample was kept or dropped',
    module: 'pipeline',
  },
  {
    name: 'export',
    term: 'export [options]',
    description: 'Run up to export: the SFT and RL files (same as run)',
    module: 'pipeline',
  },
  {
    name: 'eval',
    term: 'eval [options]',
    description: 'Evaluate targets (roles; role+spec = spec in context) on benchmarks; writes <out>/eval-log.json',
    module: 'eval',
  },
  {
    name: 'calibrate',
    term: 'calibrate [options]',
    description: 'Measure a grader against human labels, with the string-match baseline beside it',
    module: 'calibrate',
  },
  {
    name: 'guard',
    term: 'guard',
    description: 'The spec at inference time: an OpenAI-compatible proxy in front of a model',
    module: 'guard',
  },
  {
    name: 'report',
    term: 'report [options] <evalDir...>',
    description: 'Render eval logs (eval out folders or eval-log.json files) as one self-contained HTML report',
    module: 'report',
  },
  {
    name: 'reward',
    term: 'reward',
    description: 'The spec-aware judge as an RL reward endpoint',
    module: 'reward',
  },
  {
    name: 'train',
    term: 'train',
    description: 'Write a ready-to-run TRL / OpenRLHF / verl folder from a pipeline run',
    module: 'train',
  },
];

/** The command a command line names: its first word, or the word after `help`; undefined for `--help`/`--version`. */
export function requestedCommand(argv: readonly string[]): string | undefined {
  const words = argv.filter((word) => !word.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * Adds every command to `program`: the modules in `load` with their real definitions (loaded now), every other command
 * as its help line only. `load: 'all'` defines every command (what the tests of the command table compare against).
 */
export async function addCommands(
  program: Command,
  context: CliContext,
  load: ReadonlySet<CommandModuleName> | 'all',
): Promise<void> {
  const terms = new Map<string, string>();
  const added = new Set<CommandModuleName>();
  for (const line of commandTable) {
    if (load === 'all' || load.has(line.module)) {
      if (added.has(line.module)) continue;
      added.add(line.module);
      (await commandModules[line.module]())(program, context);
    } else {
      program.command(line.name).description(line.description);
      terms.set(line.name, line.term);
    }
  }
  const help = program.createHelp();
  program.configureHelp({ subcommandTerm: (command) => terms.get(command.name()) ?? help.subcommandTerm(command) });
}

/** The modules to load for a command line: the named command's module, or none (help lines only). */
export function modulesFor(argv: readonly string[]): Set<CommandModuleName> {
  const name = requestedCommand(argv);
  const line = commandTable.find((entry) => entry.name === name);
  return new Set(line ? [line.module] : []);
}
