/**
 * @module pipeline/trainer-commands
 * The config files and command lines of each engine, with the flag names of the version deliberate targets (and
 * tests against: python/tests/). TRL: `trl sft|grpo --config x.yaml` (accelerate for several GPUs); OpenRLHF:
 * `deepspeed --module openrlhf.cli.train_sft` and `ray job submit … openrlhf.cli.train_ppo_ray`; verl: `torchrun -m
 * verl.trainer.sft_trainer` and `python3 -m verl.trainer.main_ppo` with Hydra overrides.
 */
import { stringify } from 'yaml';

export const trainerEngines = ['trl', 'openrlhf', 'verl'] as const;
export type TrainerEngine = (typeof trainerEngines)[number];
export const trainerStages = ['sft', 'grpo'] as const;
export type TrainerStage = (typeof trainerStages)[number];

/** The engine versions whose flag names these files use (the Python integration tests install exactly these). */
export const targetEngineVersions: Record<TrainerEngine, string> = {
  trl: '1.16.0',
  openrlhf: '0.11.2',
  verl: '0.9.1',
};

export interface TrainerPlan {
  stage: TrainerStage;
  engine: TrainerEngine;
  model: string;
  nodes: number;
  gpusPerNode: number;
  /** Token lengths from the export's statistics (no row is cut). */
  maxLength: number;
  maxPromptLength: number;
  maxCompletionLength: number;
  /** Data files inside the folder. */
  sftFile: string;
  rlFile: string;
  rewardUrl: string;
  /** Samples per prompt for GRPO. */
  generations: number;
}

export interface EngineFiles {
  /** Extra files: name → text. */
  files: Record<string, string>;
  /** The launch command, one argument per entry (written to launch.sh). */
  command: string[];
  /** Where the checkpoints land, relative to the folder. */
  checkpoints: string;
}

const processes = (plan: TrainerPlan) => plan.nodes * plan.gpusPerNode;

/** `${NAME:-fallback}`: a shell expansion launch.sh leaves for the environment to fill. */
export function shellDefault(name: string, fallback: string): string {
  return `\${${name}:-${fallback}}`;
}

function accelerateConfig(plan: TrainerPlan): string {
  return stringify({
    compute_environment: 'LOCAL_MACHINE',
    distributed_type: processes(plan) > 1 ? 'MULTI_GPU' : 'NO',
    num_machines: plan.nodes,
    num_processes: processes(plan),
    machine_rank: 0,
    main_process_ip: '127.0.0.1',
    main_process_port: 29500,
    mixed_precision: 'bf16',
    rdzv_backend: 'static',
    same_network: true,
    use_cpu: false,
  });
}

function trlFiles(plan: TrainerPlan): EngineFiles {
  const sft = plan.stage === 'sft';
  const checkpoints = `checkpoints/${plan.stage}`;
  const common = {
    model_name_or_path: plan.model,
    datasets: [{ path: 'json', data_files: sft ? plan.sftFile : plan.rlFile, split: 'train' }],
    output_dir: checkpoints,
    bf16: true,
    logging_steps: 1,
    save_strategy: 'epoch',
    report_to: 'none',
  };
  const config = sft
    ? {
        ...common,
        max_length: plan.maxLength,
        completion_only_loss: true,
        per_device_train_batch_size: 1,
        gradient_accumulation_steps: 16,
        learning_rate: 1e-5,
        num_train_epochs: 3,
      }
    : {
        ...common,
        reward_funcs: ['deliberate_trl.remote_reward'],
        max_completion_length: plan.maxCompletionLength,
        num_generations: plan.generations,
        per_device_train_batch_size: plan.generations,
        learning_rate: 1e-6,
        num_train_epochs: 1,
        log_completions: true,
      };
  const yamlName = `${plan.stage}.yaml`;
  const files: Record<string, string> = {
    [yamlName]: `# trl ${plan.stage} --config ${yamlName}   (TRL ${targetEngineVersions.trl}; every key is a ${sft ? 'SFTConfig' : 'GRPOConfig'} / script field)\n${stringify(config)}`,
  };
  if (processes(plan) === 1) return { files, command: ['trl', plan.stage, '--config', yamlName], checkpoints };
  files['accelerate.yaml'] = accelerateConfig(plan);
  return {
    files,
    command: [
      'accelerate',
      'launch',
      '--config_file',
      'accelerate.yaml',
      '--machine_rank',
      shellDefault('MACHINE_RANK', '0'),
      '--main_process_ip',
      shellDefault('MAIN_PROCESS_IP', '127.0.0.1'),
      '-m',
      `trl.scripts.${plan.stage}`,
      '--config',
      yamlName,
    ],
    checkpoints,
  };
}

/** OpenRLHF flags (≥ 0.10.2 names), without the launcher: what its argument parser reads. */
export function openRlhfArguments(plan: TrainerPlan): string[] {
  if (plan.stage === 'sft') {
    return [
      ...['--model.model_name_or_path', plan.model, '--data.dataset', plan.sftFile],
      ...['--data.input_key', 'prompt', '--data.output_key', 'completion', '--data.apply_chat_template'],
      ...['--data.max_len', String(plan.maxLength), '--train.batch_size', '16', '--train.micro_batch_size', '1'],
      ...[
        '--train.max_epochs',
        '3',
        '--adam.lr',
        '1e-5',
        '--ds.zero_stage',
        '2',
        '--ckpt.output_dir',
        'checkpoints/sft',
      ],
    ];
  }
  return [
    ...['--actor.model_name_or_path', plan.model, '--reward.remote_url', plan.rewardUrl],
    ...['--data.prompt_dataset', plan.rlFile, '--data.input_key', 'input', '--data.label_key', 'label'],
    '--data.apply_chat_template',
    ...['--data.max_len', String(plan.maxPromptLength + plan.maxCompletionLength)],
    ...['--rollout.max_new_tokens', String(plan.maxCompletionLength)],
    ...['--algo.advantage.estimator', 'group_norm', '--rollout.n_samples_per_prompt', String(plan.generations)],
    ...['--rollout.batch_size', '64', '--train.batch_size', String(64 * plan.generations)],
    ...['--actor.num_nodes', String(plan.nodes), '--actor.num_gpus_per_node', String(plan.gpusPerNode)],
    ...['--ref.num_nodes', String(plan.nodes), '--ref.num_gpus_per_node', String(plan.gpusPerNode)],
    ...['--vllm.num_engines', String(processes(plan)), '--vllm.tensor_parallel_size', '1'],
    ...['--ckpt.output_dir', 'checkpoints/grpo', '--ckpt.save_hf'],
  ];
}

function openRlhfFiles(plan: TrainerPlan): EngineFiles {
  const args = openRlhfArguments(plan);
  const files = { 'openrlhf-args.txt': `${args.join('\n')}\n` };
  if (plan.stage === 'sft') {
    const launcher =
      plan.nodes > 1
        ? [
            'deepspeed',
            '--num_nodes',
            String(plan.nodes),
            '--num_gpus',
            String(plan.gpusPerNode),
            '--hostfile',
            'hostfile',
          ]
        : ['deepspeed', '--num_gpus', String(plan.gpusPerNode)];
    return {
      files,
      command: [...launcher, '--module', 'openrlhf.cli.train_sft', ...args],
      checkpoints: 'checkpoints/sft',
    };
  }
  return {
    files,
    command: [
      ...['ray', 'job', 'submit', '--address', shellDefault('RAY_ADDRESS', 'http://127.0.0.1:8265')],
      ...['--runtime-env-json', '{"working_dir": "."}', '--'],
      ...['python3', '-m', 'openrlhf.cli.train_ppo_ray', ...args],
    ],
    checkpoints: 'checkpoints/grpo',
  };
}

/** verl Hydra overrides (0.9.1 names): what its config composes. */
export function verlOverrides(plan: TrainerPlan): string[] {
  const trainer = [`trainer.nnodes=${plan.nodes}`, `trainer.n_gpus_per_node=${plan.gpusPerNode}`];
  if (plan.stage === 'sft') {
    return [
      `data.train_files=${plan.sftFile}`,
      'data.messages_key=messages',
      `data.max_length=${plan.maxLength}`,
      `model.path=${plan.model}`,
      'trainer.default_local_dir=checkpoints/sft',
      'trainer.total_epochs=3',
      ...trainer,
    ];
  }
  return [
    'algorithm.adv_estimator=grpo',
    `data.train_files=${plan.rlFile}`,
    `data.val_files=${plan.rlFile}`,
    `data.max_prompt_length=${plan.maxPromptLength}`,
    `data.max_response_length=${plan.maxCompletionLength}`,
    'data.train_batch_size=64',
    `actor_rollout_ref.model.path=${plan.model}`,
    `actor_rollout_ref.rollout.n=${plan.generations}`,
    'actor_rollout_ref.rollout.name=vllm',
    'reward.custom_reward_function.path=deliberate_verl.py',
    'reward.custom_reward_function.name=compute_score',
    'trainer.default_local_dir=checkpoints/grpo',
    'trainer.logger=console',
    ...trainer,
  ];
}

function verlFiles(plan: TrainerPlan): EngineFiles {
  const overrides = verlOverrides(plan);
  const files = { 'verl-overrides.txt': `${overrides.join('\n')}\n` };
  if (plan.stage === 'sft') {
    const torchrun = ['torchrun', `--nnodes=${plan.nodes}`, `--nproc_per_node=${plan.gpusPerNode}`];
    if (plan.nodes > 1)
      torchrun.push(
        `--node_rank=${shellDefault('NODE_RANK', '0')}`,
        `--master_addr=${shellDefault('MASTER_ADDR', '127.0.0.1')}`,
      );
    return {
      files,
      command: [...torchrun, '-m', 'verl.trainer.sft_trainer', ...overrides],
      checkpoints: 'checkpoints/sft',
    };
  }
  return { files, command: ['python3', '-m', 'verl.trainer.main_ppo', ...overrides], checkpoints: 'checkpoints/grpo' };
}

/** The engine's files and launch command for a plan. */
export function engineFiles(plan: TrainerPlan): EngineFiles {
  if (plan.engine === 'trl') return trlFiles(plan);
  if (plan.engine === 'openrlhf') return openRlhfFiles(plan);
  return verlFiles(plan);
}

/** One shell word: as is when plain, in double quotes when it holds a `${VAR:-default}` expansion, else single-quoted. */
export function shellWord(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  if (word.includes('${') && !/["`\\]/.test(word)) return `"${word}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command as shell lines: the program on the first line, then each flag with its value on its own line. */
export function formatCommand(command: readonly string[], indent = '  '): string {
  const lines: string[] = [];
  for (const word of command.map(shellWord)) {
    const last = lines.at(-1);
    const flagWaitingForValue = last?.startsWith('-') === true && !last.includes(' ');
    const programPart = lines.length === 1 && !last!.startsWith('-');
    if (last === undefined || (!word.startsWith('-') && (flagWaitingForValue || programPart))) {
      lines[Math.max(0, lines.length - 1)] = last === undefined ? word : `${last} ${word}`;
    } else lines.push(word);
  }
  return lines.join(` \\\n${indent}`);
}
