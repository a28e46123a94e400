import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Help } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from './cli-context.js';
import { commandTable, modulesFor, requestedCommand } from './command-table.js';
import { createProgram } from './main.js';

function captureContext(): { context: CliContext; output: () => string } {
  let text = '';
  const context: CliContext = {
    stdout: (chunk) => {
      text += chunk;
    },
    stderr: (chunk) => {
      text += chunk;
    },
    env: {},
    cwd: process.cwd(),
    signal: new AbortController().signal,
    interactive: false,
  };
  return { context, output: () => text };
}

async function helpText(load: Parameters<typeof createProgram>[1]): Promise<string> {
  const { context } = captureContext();
  return (await createProgram(context, load)).helpInformation();
}

describe('command table', () => {
  it('lists every command with the name, arguments and description of its real definition, in order', async () => {
    const { context } = captureContext();
    const program = await createProgram(context, 'all');
    const help = new Help();
    const real = program.commands.map((command) => ({
      name: command.name(),
      term: help.subcommandTerm(command),
      description: command.description(),
    }));
    expect(real).toEqual(commandTable.map(({ name, term, description }) => ({ name, term, description })));
  });

  it('prints the same --help without loading any command module as with all of them loaded', async () => {
    expect(await helpText(new Set())).toBe(await helpText('all'));
  });

  it('loads only the module of the command a command line names', () => {
    expect([...modulesFor(['spec', 'check', 'x'])]).toEqual(['spec']);
    expect([...modulesFor(['judge', '--config', 'c.yaml'])]).toEqual(['pipeline']);
    expect([...modulesFor(['help', 'eval'])]).toEqual(['eval']);
    expect([...modulesFor(['--help'])]).toEqual([]);
    expect([...modulesFor(['no-such-command'])]).toEqual([]);
    expect(requestedCommand(['--version'])).toBeUndefined();
  });
});

/** Static (value) imports of a source file, relative or package; `import type` and `import()` are not followed. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const pattern = /^(?:import|export)\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm;
  return [...text.matchAll(pattern)].map((match) => (match[1] ?? match[2])!);
}

function staticImportGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) pending.push(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:')) packages.add(specifier);
    }
  }
  return { files, packages };
}

describe('fast start', () => {
  it('`deliberate --help` statically loads commander and nothing heavy (no spec parser, tokenizer, SQLite, zod)', () => {
    const { packages, files } = staticImportGraph(path.join(import.meta.dirname, 'main.ts'));
    expect([...packages]).toEqual(['commander']);
    expect([...files].some((file) => file.includes(`${path.sep}commands${path.sep}`))).toBe(false);
  });
});
