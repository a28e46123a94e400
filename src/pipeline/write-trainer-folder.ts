/**
 * @module pipeline/write-trainer-folder
 * `deliberate train`: a pipeline run → a ready-to-run folder for one engine and stage. The data in the engine's
 * format (SFT copied or converted; the RL prompts re-exported), the engine's config and command line with lengths
 * from the export's token statistics, the generated reward adapter (GRPO), launch.sh and a README with the commands
 * in order. deliberate never trains: the gradient steps are the engine's.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, DataError } from '../errors.js';
import { readJsonl } from '../io/jsonl.js';
import { packageFile } from '../io/package-root.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import { type ParquetType, writeParquet } from '../io/write-parquet.js';
import { exportRl } from './export-rl.js';
import { readRlPrompts } from './read-rl-prompts.js';
import type { RunManifest } from './run-manifest.js';
import {
  engineFiles,
  formatCommand,
  type TrainerEngine,
  type TrainerPlan,
  type TrainerStage,
  targetEngineVersions,
} from './trainer-commands.js';
import { formatTrainerReadme } from './trainer-readme.js';

export interface TrainerFolderOptions {
  stage: TrainerStage;
  engine: TrainerEngine;
  /** The pipeline run's out folder (holds manifest.json). */
  runDirectory: string;
  outDirectory: string;
  model: string;
  nodes: number;
  gpusPerNode: number;
  rewardUrl: string;
  tokenEnv: string;
  rewardFallback: number;
  rewardDeadlineSeconds: number;
  /** The deliberate.yaml the reward server is started with (shown in the README). */
  configFile?: string;
  toolVersion: string;
}

export interface TrainerFolder {
  outDirectory: string;
  files: string[];
  command: string[];
  checkpoints: string;
}

function readManifest(runDirectory: string): RunManifest {
  const file = path.join(runDirectory, 'manifest.json');
  if (!existsSync(file)) {
    throw new ConfigError(`no manifest.json in ${runDirectory}`, {
      hint: 'point --run at the out folder of a pipeline run (`deliberate run` writes manifest.json there)',
    });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as RunManifest;
}

function roundUp(value: number, multiple = 256): number {
  return Math.max(multiple, Math.ceil(value / multiple) * multiple);
}

const TrlSftRow = z.object({
  prompt: z.array(z.object({ role: z.string(), content: z.string() }).loose()),
  completion: z.array(z.object({ role: z.string(), content: z.string() }).loose()),
});

const verlSftColumns: Record<string, ParquetType> = {
  messages: {
    kind: 'list',
    element: {
      kind: 'struct',
      fields: {
        role: { kind: 'string' },
        content: { kind: 'string' },
        reasoning_content: { kind: 'string', optional: true },
      },
    },
  },
};

/** verl SFT reads Parquet `messages`; the reasoning stays a separate key for the chat template. */
function writeVerlSft(source: string, target: string): void {
  const rows = readJsonl(source, TrlSftRow).map((row) => ({
    messages: [...row.prompt, ...row.completion].map((message) => ({
      role: message.role,
      content: message.content,
      reasoning_content: typeof message.reasoning_content === 'string' ? message.reasoning_content : null,
    })),
  }));
  writeParquet(target, { columns: verlSftColumns, rows });
}

async function writeData(options: TrainerFolderOptions, manifest: RunManifest, plan: TrainerPlan): Promise<void> {
  mkdirSync(path.join(options.outDirectory, 'data'), { recursive: true });
  const exports = manifest.exports;
  if (options.stage === 'sft') {
    const source = manifest.outputs.sft;
    if (!source || !exports || exports.sft.format !== 'trl') {
      throw new DataError(`the run in ${options.runDirectory} has no SFT export in the trl format`, {
        hint: 'run the pipeline to the export stage with export.sft.format: trl (the default)',
      });
    }
    const target = path.join(options.outDirectory, plan.sftFile);
    if (options.engine === 'verl') writeVerlSft(source, target);
    else copyFileSync(source, target);
    return;
  }
  if (!manifest.outputs.rl) {
    throw new DataError(`the run in ${options.runDirectory} has no RL export`, {
      hint: 'run the pipeline to the export stage (`deliberate run` or `deliberate export`)',
    });
  }
  const prompts = await readRlPrompts(manifest.outputs.rl);
  exportRl(prompts, {
    outFile: path.join(options.outDirectory, plan.rlFile),
    format: options.engine,
    specHash: manifest.spec?.hash,
    tokenCounter: false,
  });
}

function adapterText(name: string, options: TrainerFolderOptions): string {
  const replacements: Record<string, string> = {
    version: options.toolVersion,
    url: options.rewardUrl,
    token_env: options.tokenEnv,
    deadline: String(options.rewardDeadlineSeconds),
    timeout: String(Math.min(options.rewardDeadlineSeconds + 5, 179)),
    fallback: String(options.rewardFallback),
  };
  return readFileSync(packageFile(`adapters/${name}`), 'utf8').replace(
    /\{\{(\w+)\}\}/g,
    (whole, key: string) => replacements[key] ?? whole,
  );
}

function adapterNames(options: TrainerFolderOptions): string[] {
  if (options.stage !== 'grpo') return [];
  const engineAdapter = { trl: 'deliberate_trl.py', verl: 'deliberate_verl.py', openrlhf: 'deliberate_openrlhf.py' };
  return ['deliberate_reward_client.py', engineAdapter[options.engine]];
}

function planOf(options: TrainerFolderOptions, manifest: RunManifest): TrainerPlan {
  const sftStats = manifest.exports?.sft.tokenStatistics;
  const rlStats = manifest.exports?.rl.tokenStatistics;
  return {
    stage: options.stage,
    engine: options.engine,
    model: options.model,
    nodes: options.nodes,
    gpusPerNode: options.gpusPerNode,
    maxLength: sftStats?.suggestedMaxLength ?? 4096,
    maxPromptLength: rlStats?.suggestedMaxLength ?? 1024,
    // The teacher's longest reasoning + answer, with room to grow: RL completions must not be cut mid-thought.
    maxCompletionLength: roundUp(Math.max(2048, (sftStats?.completion.max ?? 0) * 2)),
    sftFile: options.engine === 'verl' ? 'data/sft.parquet' : 'data/sft.jsonl',
    rlFile: options.engine === 'verl' ? 'data/rl.parquet' : 'data/rl.jsonl',
    rewardUrl: options.rewardUrl,
    generations: 8,
  };
}

function launchScript(command: string[], options: TrainerFolderOptions): string {
  const health = options.rewardUrl.replace(/\/reward$/, '/health');
  const lines = [
    '#!/usr/bin/env bash',
    `# Generated by deliberate ${options.toolVersion}: see README.md.`,
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
  ];
  if (options.stage === 'grpo') {
    lines.push(
      `export DELIBERATE_REWARD_URL="\${DELIBERATE_REWARD_URL:-${options.rewardUrl}}"`,
      `curl -sf "\${DELIBERATE_REWARD_URL%/reward}/health" >/dev/null || { echo "the reward server is not answering at ${health}: start it first (README step 1)" >&2; exit 1; }`,
    );
  }
  lines.push(formatCommand(command));
  return `${lines.join('\n')}\n`;
}

/** Writes the folder; every file is written atomically, so a failure leaves no half-written file. */
export async function writeTrainerFolder(options: TrainerFolderOptions): Promise<TrainerFolder> {
  const manifest = readManifest(options.runDirectory);
  const plan = planOf(options, manifest);
  mkdirSync(options.outDirectory, { recursive: true });
  await writeData(options, manifest, plan);
  const engine = engineFiles(plan);
  const files: Record<string, string> = { ...engine.files };
  for (const name of adapterNames(options)) files[name] = adapterText(name, options);
  files['launch.sh'] = launchScript(engine.command, options);
  files['README.md'] = formatTrainerReadme({ options, plan, command: engine.command, checkpoints: engine.checkpoints });
  files['deliberate-train.json'] = `${JSON.stringify(
    {
      stage: options.stage,
      engine: options.engine,
      engineVersion: targetEngineVersions[options.engine],
      model: options.model,
      nodes: options.nodes,
      gpusPerNode: options.gpusPerNode,
      run: options.runDirectory,
      rewardUrl: options.stage === 'grpo' ? options.rewardUrl : null,
      lengths: {
        maxLength: plan.maxLength,
        maxPromptLength: plan.maxPromptLength,
        maxCompletionLength: plan.maxCompletionLength,
      },
      command: engine.command,
      checkpoints: engine.checkpoints,
      toolVersion: options.toolVersion,
    },
    null,
    2,
  )}\n`;
  for (const [name, text] of Object.entries(files)) writeFileAtomic(path.join(options.outDirectory, name), text);
  chmodSync(path.join(options.outDirectory, 'launch.sh'), 0o755);
  return {
    outDirectory: options.outDirectory,
    files: [...Object.keys(files), options.stage === 'sft' ? plan.sftFile : plan.rlFile].sort(),
    command: engine.command,
    checkpoints: engine.checkpoints,
  };
}
