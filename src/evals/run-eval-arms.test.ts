/**
 * Compute arms against a fake OpenAI-compatible server: what each arm's requests carried, as the server received them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evalArgs, testEvalOptions } from '../../test/helpers/eval-options.js';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../test/helpers/fake-openai-server.js';
import { createModelClient } from '../models/generate.js';
import { createOpenAICompatibleModel } from '../models/openai-compatible-model.js';
import { scriptedModel } from '../testing/scripted-model.js';
import { gsm8k } from './benchmarks/gsm8k.js';
import { parseArm } from './parse-arm.js';
import { runEval } from './run-eval.js';

let folder: string;
let server: FakeOpenAIServer;
beforeEach(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'deliberate-arms-'));
  server = await startFakeOpenAIServer((body) => ({
    content: '\\boxed{4}',
    reasoning_content:
      body.chat_template_kwargs &&
      (body.chat_template_kwargs as { enable_thinking?: boolean }).enable_thinking === false
        ? ''
        : 'two and two make four',
  }));
});
afterEach(async () => {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('compute arms', () => {
  it('send reasoning_effort, merged chat_template_kwargs and their own max_tokens; reasoning tokens are counted when not reported', async () => {
    const file = path.join(folder, 'gsm8k.jsonl');
    writeFileSync(file, `${JSON.stringify({ question: 'What is 2 + 2?', answer: '#### 4' })}\n`);
    const model = createOpenAICompatibleModel({
      baseUrl: server.baseUrl,
      model: 'qwen',
      extraBody: { chat_template_kwargs: { custom_flag: 'kept' }, top_k: 20 },
    });
    const client = createModelClient(model, { maxRetries: 0 });
    const options = testEvalOptions({ folder, benchmarks: [gsm8k], target: scriptedModel(['unused']) });
    options.dataPaths = { gsm8k: file };
    options.settings = { ...options.settings, maxTokens: 1000 };
    options.targets = ['qwen', 'qwen@effort=high', 'qwen@thinking=off@max_tokens=64'].map((name) => {
      const arm = parseArm(name);
      return { name, role: arm.role, client, specInContext: false, requestOptions: arm.requestOptions };
    });
    const { log } = await runEval(...evalArgs(options));
    const bodies = server.requests.map((request) => request.body);
    expect(bodies).toHaveLength(3);
    const plain = bodies.find((body) => body.reasoning_effort === undefined && body.max_tokens === 1000)!;
    expect(plain.chat_template_kwargs).toEqual({ custom_flag: 'kept' });
    const high = bodies.find((body) => body.reasoning_effort === 'high')!;
    expect(high.max_tokens).toBe(1000);
    const noThinking = bodies.find((body) => body.max_tokens === 64)!;
    expect(noThinking.chat_template_kwargs).toEqual({ custom_flag: 'kept', enable_thinking: false });
    expect(noThinking.top_k).toBe(20);
    expect(noThinking.reasoning_effort).toBeUndefined();
    const results = log.benchmarks[0]!.results;
    const byArm = Object.fromEntries(results.map((result) => [result.arm, result]));
    expect(byArm.qwen!.reasoningTokensSource).toBe('counted');
    expect(byArm.qwen!.reasoningTokens).toBeGreaterThan(2);
    expect(byArm['qwen@thinking=off@max_tokens=64']).toMatchObject({
      reasoningTokens: 0,
      reasoningTokensSource: 'none',
    });
    expect(log.arms.find((arm) => arm.name === 'qwen@effort=high')!.requestOptions).toEqual({
      reasoningEffort: 'high',
    });
  });
});
