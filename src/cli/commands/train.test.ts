import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineHandler, writeProject } from '../../../test/e2e/pipeline-fixture.js';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../../test/helpers/fake-openai-server.js';
import { runCli } from '../../../test/helpers/run-cli.js';

let server: FakeOpenAIServer;
let folder: string;
const rewardUrl = 'http://127.0.0.1:9911/reward';

beforeAll(async () => {
  server = await startFakeOpenAIServer(pipelineHandler);
  folder = mkdtempSync(path.join(tmpdir(), 'train-cli-'));
  const config = writeProject(folder, { baseUrl: server.baseUrl, samples: 1, runs: 1 });
  const run = await runCli(['run', '--config', config], { cwd: folder });
  expect(run.exitCode).toBe(0);
}, 60_000);
afterAll(() => server.close());

async function train(stage: string, engine: string, extra: string[] = []) {
  const out = path.join(folder, `train-${stage}-${engine}-${extra.length}`);
  const run = await runCli(
    [
      'train',
      stage,
      '--engine',
      engine,
      '--run',
      'out',
      '--out',
      out,
      '--model',
      'my/model',
      '--reward-url',
      rewardUrl,
      ...extra,
    ],
    { cwd: folder, env: { PYTHON: path.join(folder, 'no-such-python') } },
  );
  const read = (name: string) => readFileSync(path.join(out, name), 'utf8');
  return { run, out, read };
}

describe('deliberate train', () => {
  it('writes a TRL GRPO folder: the reward module, the YAML, the data with categories, launch.sh and README', async () => {
    const { run, read, out } = await train('grpo', 'trl', ['--gpus-per-node', '1']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^wrote .* for trl 1\.16\.0 grpo: /);
    expect(read('grpo.yaml')).toContain('reward_funcs:\n  - deliberate_trl.remote_reward');
    expect(read('grpo.yaml')).toMatch(/max_completion_length: \d+/);
    expect(read('deliberate_trl.py')).toContain(
      'async def remote_reward(prompts, completions, categories=None, metadata=None',
    );
    expect(read('deliberate_reward_client.py')).toContain(
      `URL = os.environ.get("DELIBERATE_REWARD_URL", "${rewardUrl}")`,
    );
    expect(read('deliberate_reward_client.py')).not.toMatch(/\{\{\w+\}\}/);
    const row = JSON.parse(read('data/rl.jsonl').split('\n')[0]!);
    expect(row).toMatchObject({ prompt: [{ role: 'user' }], categories: ['illicit'] });
    expect(read('launch.sh')).toContain('trl grpo \\\n  --config grpo.yaml');
    expect(read('README.md')).toContain('npx deliberate reward serve');
    expect(read('README.md')).toContain('--targets base,base+spec,trained');
    expect(existsSync(path.join(out, 'accelerate.yaml'))).toBe(false);
  });

  it('writes accelerate.yaml for several nodes and the SFT YAML with the suggested max length', async () => {
    const { read } = await train('sft', 'trl', ['--nodes', '2', '--gpus-per-node', '4']);
    expect(read('accelerate.yaml')).toMatch(/num_machines: 2\n[\s\S]*num_processes: 8/);
    expect(read('launch.sh')).toContain('-m trl.scripts.sft');
    const manifest = JSON.parse(readFileSync(path.join(folder, 'out/manifest.json'), 'utf8'));
    expect(read('sft.yaml')).toContain(`max_length: ${manifest.exports.sft.tokenStatistics.suggestedMaxLength}`);
    expect(read('data/sft.jsonl')).toBe(readFileSync(manifest.outputs.sft, 'utf8'));
  });

  it('writes OpenRLHF flags of 0.11 (the remote reward URL, the label key) and its RL rows', async () => {
    const { read } = await train('grpo', 'openrlhf');
    const args = read('openrlhf-args.txt');
    expect(args).toContain(`--reward.remote_url\n${rewardUrl}\n`);
    expect(args).toContain('--data.label_key\nlabel\n');
    expect(args).not.toContain('--remote_rm_url');
    const row = JSON.parse(read('data/rl.jsonl').split('\n')[0]!);
    expect(JSON.parse(row.label)).toMatchObject({ categories: ['illicit'] });
    expect(read('launch.sh')).toContain('ray job submit');
  });

  it('writes verl overrides and Parquet data for both stages', async () => {
    const grpo = await train('grpo', 'verl');
    expect(grpo.read('verl-overrides.txt')).toContain('reward.custom_reward_function.path=deliberate_verl.py\n');
    const rows = await parquetReadObjects({
      file: await asyncBufferFromFile(path.join(grpo.out, 'data/rl.parquet')),
    });
    expect(rows[0]).toMatchObject({ data_source: 'deliberate-align', ability: 'safety' });
    const sft = await train('sft', 'verl');
    const sftRows = await parquetReadObjects({
      file: await asyncBufferFromFile(path.join(sft.out, 'data/sft.parquet')),
    });
    const messages = sftRows[0]!.messages as Array<Record<string, unknown>>;
    expect(messages.at(-1)).toMatchObject({ role: 'assistant' });
    expect(typeof messages.at(-1)!.reasoning_content).toBe('string');
  });

  it('--launch says what is missing when the engine is not installed, after writing the folder', async () => {
    const { run, out } = await train('sft', 'trl', ['--launch']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/cannot launch: .*no-such-python is not on PATH/);
    expect(existsSync(path.join(out, 'launch.sh'))).toBe(true);
  });

  it('fails clearly without a pipeline run or with an unknown engine', async () => {
    const noRun = await runCli(['train', 'sft', '--engine', 'trl', '--run', 'nowhere', '--out', 'x'], { cwd: folder });
    expect(noRun.exitCode).toBe(1);
    expect(noRun.stderr).toMatch(/no manifest\.json in .*nowhere/);
    const engine = await runCli(['train', 'sft', '--engine', 'axolotl', '--run', 'out', '--out', 'x'], { cwd: folder });
    expect(engine.stderr).toMatch(/--engine "axolotl" is not one of trl, openrlhf, verl/);
  });
});
