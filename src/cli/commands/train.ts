/**
 * @module cli/commands/train
 * `deliberate train sft|grpo --engine trl|openrlhf|verl --run <pipeline out> --out <dir> [--model id] [--nodes N]
 * [--gpus-per-node G] [--reward-url URL] [--launch]`: a ready-to-run trainer folder from a pipeline run (deliberate
 * never trains itself). `--launch` runs its launch.sh when the engine is installed, and otherwise says what is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { loadConfig } from '../../io/load-config.js';
import {
  type TrainerEngine,
  type TrainerStage,
  targetEngineVersions,
  trainerEngines,
} from '../../pipeline/trainer-commands.js';
import { writeTrainerFolder } from '../../pipeline/write-trainer-folder.js';
import { RewardSettings } from '../../records/reward-settings.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-code.js';
import { packageVersion } from '../package-version.js';
import { defaultRewardPort, defaultRewardTokenEnv } from './reward.js';

interface TrainOptions {
  engine: string;
  run: string;
  out: string;
  model: string;
  nodes: string;
  gpusPerNode: string;
  rewardUrl: string;
  tokenEnv: string;
  config?: string;
  launch?: boolean;
}

function count(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new ConfigError(`${flag} must be a whole number of 1 or more, got "${value}"`);
  return number;
}

function engineOf(value: string): TrainerEngine {
  if ((trainerEngines as readonly string[]).includes(value)) return value as TrainerEngine;
  throw new ConfigError(`--engine "${value}" is not one of ${trainerEngines.join(', ')}`);
}

/** The Python module each engine's launch needs; `--launch` checks it imports. */
const engineModules: Record<TrainerEngine, string> = { trl: 'trl', openrlhf: 'openrlhf', verl: 'verl' };

function engineInstalled(engine: TrainerEngine, env: CliContext['env']): string | null {
  const python = env.PYTHON ?? 'python3';
  const probe = spawnSync(
    python,
    ['-c', `import ${engineModules[engine]}; print(${engineModules[engine]}.__version__)`],
    {
      encoding: 'utf8',
      env: env as NodeJS.ProcessEnv,
    },
  );
  if (probe.error) return `${python} is not on PATH (${probe.error.message})`;
  return probe.status === 0
    ? null
    : `${python} cannot import ${engineModules[engine]}: ${probe.stderr.trim().split('\n').at(-1)}`;
}

function launch(folder: string, context: CliContext): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(folder, 'launch.sh')], {
      cwd: folder,
      env: context.env as NodeJS.ProcessEnv,
    });
    child.stdout.on('data', (chunk: Buffer) => context.stdout(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => context.stderr(chunk.toString()));
    context.signal.addEventListener('abort', () => child.kill('SIGINT'), { once: true });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function runTrain(stage: TrainerStage, options: TrainOptions, context: CliContext): Promise<void> {
  const engine = engineOf(options.engine);
  const settings = options.config
    ? loadConfig(path.resolve(context.cwd, options.config)).config.reward
    : RewardSettings.parse({});
  const folder = await writeTrainerFolder({
    stage,
    engine,
    runDirectory: path.resolve(context.cwd, options.run),
    outDirectory: path.resolve(context.cwd, options.out),
    model: options.model,
    nodes: count(options.nodes, '--nodes'),
    gpusPerNode: count(options.gpusPerNode, '--gpus-per-node'),
    rewardUrl: options.rewardUrl,
    tokenEnv: options.tokenEnv,
    rewardFallback: settings.fallback,
    rewardDeadlineSeconds: settings.deadlineSeconds,
    configFile: options.config,
    toolVersion: packageVersion(),
  });
  context.stdout(
    `wrote ${folder.outDirectory} for ${engine} ${targetEngineVersions[engine]} ${stage}: ${folder.files.join(', ')}\n` +
      `next: ${stage === 'grpo' ? 'start the reward server, then ' : ''}${path.join(folder.outDirectory, 'launch.sh')} (README.md has every step)\n`,
  );
  if (!options.launch) return;
  const missing = engineInstalled(engine, context.env);
  if (missing) {
    context.stderr(
      `deliberate: cannot launch: ${missing} (install it: see ${path.join(folder.outDirectory, 'README.md')})\n`,
    );
    throw new ExitCode(1);
  }
  const code = await launch(folder.outDirectory, context);
  if (code !== 0) {
    context.stderr(`deliberate: ${engine} exited with code ${code}\n`);
    throw new ExitCode(code);
  }
}

export function registerTrainCommand(program: Command, context: CliContext): void {
  const train = program
    .command('train')
    .description('Write a ready-to-run TRL / OpenRLHF / verl folder from a pipeline run');
  for (const stage of ['sft', 'grpo'] as const) {
    train
      .command(stage)
      .description(
        stage === 'sft'
          ? 'Supervised fine-tuning on the SFT export'
          : 'GRPO on the RL export, rewarded by `deliberate reward serve`',
      )
      .requiredOption('--engine <engine>', `one of ${trainerEngines.join(', ')}`)
      .requiredOption('--run <dir>', "the pipeline run's out folder (with manifest.json)")
      .requiredOption('--out <dir>', 'the folder to write')
      .option('--model <id>', 'the model to train: a Hugging Face id or a local path', 'Qwen/Qwen3-8B')
      .option('--nodes <n>', 'nodes', '1')
      .option('--gpus-per-node <n>', 'GPUs per node', '8')
      .option('--reward-url <url>', 'the reward server (GRPO)', `http://127.0.0.1:${defaultRewardPort}/reward`)
      .option('--token-env <name>', "the reward server's bearer-token variable", defaultRewardTokenEnv)
      .option('-c, --config <file>', 'deliberate.yaml (its reward: fallback and deadline go into the adapters)')
      .option('--launch', 'run launch.sh now when the engine is installed')
      .action((options: TrainOptions) => runTrain(stage, options, context));
  }
}
