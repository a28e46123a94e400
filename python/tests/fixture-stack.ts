/**
 * The running stack the Python engine tests use (started by conftest.py with tsx): a fake OpenAI-compatible server
 * (the pipeline's deterministic teacher and judge, then the reward judge of test/helpers/fake-reward-judge.ts), a
 * pipeline run made with the real CLI, `deliberate reward serve` on a free port, and `deliberate train` folders for
 * every engine and stage. Every request the reward's judge receives is appended to judge-requests.jsonl, so a test
 * can assert that no reasoning reached it. Prints one JSON line when ready; stops on SIGTERM or when stdin closes.
 *
 *   npx tsx python/tests/fixture-stack.ts <empty folder>
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CliContext } from '../../src/cli/cli-context.js';
import { main } from '../../src/cli/main.js';
import { pipelineHandler, writeProject } from '../../test/e2e/pipeline-fixture.js';
import { startFakeOpenAIServer } from '../../test/helpers/fake-openai-server.js';
import { fakeRewardJudge, gradedResponse } from '../../test/helpers/fake-reward-judge.js';

const folder = path.resolve(process.argv[2] ?? '');
if (!process.argv[2]) throw new Error('usage: fixture-stack.ts <folder>');
mkdirSync(folder, { recursive: true });
const controller = new AbortController();

function context(log: string[]): CliContext {
  return {
    stdout: (text) => log.push(text),
    stderr: (text) => log.push(text),
    env: {},
    cwd: folder,
    signal: controller.signal,
    interactive: false,
  };
}

async function cli(argv: string[]): Promise<string> {
  const log: string[] = [];
  const code = await main(argv, context(log));
  if (code !== 0) throw new Error(`deliberate ${argv.join(' ')} exited ${code}:\n${log.join('')}`);
  return log.join('');
}

const fake = await startFakeOpenAIServer(pipelineHandler);
const config = writeProject(folder, { baseUrl: fake.baseUrl, samples: 1, runs: 1 });
await cli(['run', '--config', config]);

const judgeLog = path.join(folder, 'judge-requests.jsonl');
fake.setHandler((body) => {
  appendFileSync(judgeLog, `${JSON.stringify({ response: gradedResponse(body), body })}\n`);
  return fakeRewardJudge(body);
});
const serveLog: string[] = [];
const serving = main(['reward', 'serve', '--config', config, '--port', '0', '--no-cache'], context(serveLog));
const started = Date.now();
while (!/listening on (\S+)/.test(serveLog.join(''))) {
  if (Date.now() - started > 20_000) throw new Error(`reward serve did not start:\n${serveLog.join('')}`);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const rewardUrl = /listening on (\S+)/.exec(serveLog.join(''))![1]!;

const folders: Record<string, string> = {};
for (const stage of ['sft', 'grpo']) {
  for (const engine of ['trl', 'openrlhf', 'verl']) {
    const out = path.join(folder, `train-${stage}-${engine}`);
    await cli(['train', stage, '--engine', engine, '--run', 'out', '--out', out, '--model', 'tiny-model', '--gpus-per-node', '1', '--reward-url', rewardUrl, '--config', config]);
    folders[`${stage}-${engine}`] = out;
  }
}

process.stdout.write(`${JSON.stringify({ ready: true, folder, rewardUrl, judgeLog, run: path.join(folder, 'out'), folders })}\n`);

async function stop() {
  controller.abort();
  await serving;
  await fake.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
