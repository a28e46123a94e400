/**
 * @module cli/commands/quickstart
 * `deliberate quickstart [dir]`: writes the starter project (as `init` does) unless one is there, finds a model
 * (environment endpoint → local Ollama → embedded GGUF pulled on first use), writes it into deliberate.yaml as the
 * teacher and judge, and runs the whole pipeline. Running it again resumes the same run.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parseDocument } from 'yaml';
import { findPackageRoot } from '../../io/package-root.js';
import { writeFileAtomic } from '../../io/write-file-atomic.js';
import type { CliContext } from '../cli-context.js';
import { initProject } from '../init-project.js';
import { runPipelineCommand } from './pipeline.js';
import { findQuickstartModel, type QuickstartModel } from './quickstart-model.js';

interface QuickstartOptions {
  json?: boolean;
}

/** The models section of the package's example config: a project still holding it has no model chosen yet. */
function exampleModels(): unknown {
  const file = path.join(findPackageRoot(), 'examples', 'deliberate.yaml');
  return parseDocument(readFileSync(file, 'utf8')).toJS()?.models;
}

/** Writes the model into the config's models section (teacher and judge), keeping the file's comments. */
function writeModelIntoConfig(configFile: string, model: QuickstartModel): void {
  const document = parseDocument(readFileSync(configFile, 'utf8'));
  document.setIn(
    ['models'],
    document.createNode({ teacher: model.settings, judge: model.settings }, { aliasDuplicateObjects: false }),
  );
  if (model.source === 'gguf') {
    // A 0.6B model on CPU: fewer samples, shorter outputs and one judge run keep the first run to minutes.
    document.setIn(['generate'], document.createNode({ samples: 1, maxTokens: 2048 }));
    document.setIn(['judge'], document.createNode({ runs: 1, maxTokens: 2048 }));
  }
  const text = document.toString();
  writeFileAtomic(configFile, `# models: chosen by deliberate quickstart (${model.description})\n${text}`);
}

export function registerQuickstartCommand(program: Command, context: CliContext): void {
  program
    .command('quickstart [dir]')
    .description('Create a starter project and run the whole pipeline on it (finds a model for you)')
    .option('--json', 'print one JSON object {counts, outputs} on stdout')
    .action(async (dir: string | undefined, options: QuickstartOptions) => {
      const folder = path.resolve(context.cwd, dir ?? 'deliberate-quickstart');
      const configFile = path.join(folder, 'deliberate.yaml');
      const say = (text: string) => context.stderr(text);
      if (!existsSync(configFile)) {
        const written = initProject({ dir: folder, force: false });
        say(`quickstart: wrote a starter project (${written.length} files) into ${folder}\n`);
      } else {
        say(`quickstart: using the project in ${folder}\n`);
      }
      const models = parseDocument(readFileSync(configFile, 'utf8')).toJS()?.models;
      if (JSON.stringify(models) === JSON.stringify(exampleModels())) {
        const model = await findQuickstartModel({ env: context.env, signal: context.signal, onProgress: say });
        say(`quickstart: teacher and judge: ${model.description}\n`);
        if (model.source === 'gguf') {
          say(
            'quickstart: a 0.6B model on this machine is slow (a spec of ~7K tokens per request) and a weak judge; for real data set DELIBERATE_BASE_URL to a served reasoning model\n',
          );
        }
        writeModelIntoConfig(configFile, model);
      }
      await runPipelineCommand(context, 'export', { config: configFile, json: options.json });
      if (!options.json) {
        context.stdout(
          `\nnext: edit ${path.join(folder, 'spec')} and ${path.join(folder, 'prompts.jsonl')}, then run: npx deliberate run --config ${configFile}\n`,
        );
      }
    });
}
