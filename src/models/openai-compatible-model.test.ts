import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FakeOpenAIServer, type FakeReply, startFakeOpenAIServer } from '../../test/helpers/fake-openai-server.js';
import { createModelClient } from './generate.js';
import { createOpenAICompatibleModel } from './openai-compatible-model.js';

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const forms: Array<{ name: string; reply: FakeReply; reasoning: string | null; source: string; prefilled?: boolean }> =
  [
    {
      name: 'reasoning_content',
      reply: { reasoning_content: 'Think A.', content: 'Answer A.' },
      reasoning: 'Think A.',
      source: 'reasoning_content',
    },
    {
      name: 'reasoning (vLLM)',
      reply: { reasoning: 'Think B.', content: 'Answer B.' },
      reasoning: 'Think B.',
      source: 'reasoning',
    },
    {
      name: 'thinking (Ollama)',
      reply: { thinking: 'Think C.', content: 'Answer C.' },
      reasoning: 'Think C.',
      source: 'thinking',
    },
    {
      name: 'inline think tags',
      reply: { content: '<think>\nThink D.\n</think>\n\nAnswer D.' },
      reasoning: 'Think D.',
      source: 'think-tags',
    },
    {
      name: 'closing tag only',
      reply: { content: 'Think E.\n</think>\n\nAnswer E.' },
      reasoning: 'Think E.',
      source: 'think-tags',
    },
    {
      name: 'empty think block',
      reply: { content: '<think>\n\n</think>\n\nAnswer F.' },
      reasoning: '',
      source: 'think-tags',
    },
    {
      name: 'field and inline tags',
      reply: { reasoning_content: 'Think G.', content: '<think>Think G.</think>\nAnswer G.' },
      reasoning: 'Think G.',
      source: 'reasoning_content',
    },
    {
      name: 'harmony',
      reply: {
        content:
          '<|channel|>analysis<|message|>Think H.<|end|><|start|>assistant<|channel|>final<|message|>Answer H.<|return|>',
      },
      reasoning: 'Think H.',
      source: 'harmony',
    },
    { name: 'no reasoning', reply: { content: 'Answer I.' }, reasoning: null, source: 'none' },
  ];

describe('openai-compatible backend', () => {
  for (const stream of [false, true]) {
    for (const form of forms) {
      it(`normalises ${form.name} (${stream ? 'streaming' : 'not streaming'})`, async () => {
        server = await startFakeOpenAIServer(() => form.reply);
        const model = createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'fake-model', stream });
        const outcome = await createModelClient(model).generate({ messages: [{ role: 'user', content: 'Hi' }] });
        expect(outcome.ok).toBe(true);
        if (!outcome.ok) return;
        expect(outcome.result.reasoning).toBe(form.reasoning);
        expect(outcome.result.answer).toMatch(/^Answer [A-I]\.$/);
        expect(outcome.result.reasoningSource).toBe(form.source);
        expect(outcome.result.usage.promptTokens).toBeGreaterThan(0);
        expect(server.requests[0]!.body.stream ?? false).toBe(stream);
      });
    }
  }

  it('sends json_schema response_format, max_tokens, extra body, preset history field and the key', async () => {
    server = await startFakeOpenAIServer(() => ({ content: '{"verdict":"ok"}' }));
    const model = createOpenAICompatibleModel({
      baseUrl: server.baseUrl,
      model: 'fake-model',
      apiKey: 'sk-secret',
      preset: 'vllm',
      extraBody: { chat_template_kwargs: { enable_thinking: true } },
    });
    const client = createModelClient(model);
    const outcome = await client.generateObject(
      {
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'reply', reasoning: 'why' },
          { role: 'user', content: 'judge' },
        ],
        maxTokens: 50,
        seed: 3,
      },
      z.object({ verdict: z.string() }),
      'verdict',
    );
    expect(outcome.ok && outcome.object).toEqual({ verdict: 'ok' });
    const { body, headers } = server.requests[0]!;
    expect(headers.authorization).toBe('Bearer sk-secret');
    expect(body.max_tokens).toBe(50);
    expect(body.seed).toBe(3);
    expect(body.chat_template_kwargs).toEqual({ enable_thinking: true });
    expect(body.guided_json).toBeUndefined();
    expect(body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'verdict', strict: true } });
    expect(body.messages[1]).toMatchObject({ role: 'assistant', reasoning: 'why' });
    expect(body.messages[1]!.reasoning_content).toBeUndefined();
  });

  it('strips reasoning from history for DeepSeek and asks harmony models for JSON in the prompt', async () => {
    server = await startFakeOpenAIServer(() => ({ content: '{"a":1}' }));
    const messages = [
      { role: 'user' as const, content: 'q' },
      { role: 'assistant' as const, content: 'r', reasoning: 'cot' },
      { role: 'user' as const, content: 'again' },
    ];
    const deepseek = createOpenAICompatibleModel({
      baseUrl: server.baseUrl,
      model: 'deepseek-reasoner',
      preset: 'deepseek',
    });
    await createModelClient(deepseek).generateObject({ messages }, z.object({ a: z.number() }), 'a');
    expect(server.requests[0]!.body.messages[1]).toEqual({ role: 'assistant', content: 'r' });
    expect(server.requests[0]!.body.response_format).toEqual({ type: 'json_object' });
    const harmony = createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'gpt-oss-20b', harmony: true });
    await createModelClient(harmony).generateObject({ messages }, z.object({ a: z.number() }), 'a');
    const body = server.requests[1]!.body;
    expect(body.response_format).toBeUndefined();
    expect(String(body.messages.at(-1)!.content)).toMatch(/JSON Schema/);
  });
});

describe('openai-compatible backend: raw engine streams', () => {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}`;
  let raw: Server | undefined;
  afterEach(async () => {
    if (raw) {
      raw.closeAllConnections();
      await new Promise((resolve) => raw!.close(resolve));
    }
    raw = undefined;
  });

  /** A server that writes `parts` (each after a short pause) and then ends, or hangs when `hang` is set. */
  async function rawServer(parts: string[], options: { hang?: boolean; contentType?: string } = {}) {
    raw = createServer(async (request, response) => {
      for await (const _ of request);
      response.writeHead(200, { 'content-type': options.contentType ?? 'text/event-stream' });
      for (const part of parts) {
        response.write(part);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      if (!options.hang) response.end();
    });
    await new Promise<void>((resolve) => raw!.listen(0, '127.0.0.1', resolve));
    const { port } = raw.address() as AddressInfo;
    return createOpenAICompatibleModel({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', stream: true });
  }
  const ask = { messages: [{ role: 'user' as const, content: 'Hi' }] };

  it('times out a stream that stops sending halfway (the timeout covers the whole body)', async () => {
    const model = await rawServer([`${chunk({ content: 'Half an ans' })}\n\n`], { hang: true });
    const outcome = await createModelClient(model, { timeoutMs: 300, maxRetries: 0 }).generate(ask);
    expect(outcome).toMatchObject({ ok: false, kind: 'transport-failure' });
    if (!outcome.ok) expect(outcome.message).toMatch(/no complete response within 300 ms/);
  });

  it('reads a last event that is not followed by a blank line', async () => {
    const model = await rawServer([
      `${chunk({ reasoning: 'Think.' })}\n\n`,
      `${chunk({ content: 'Answer.' })}\n\n`,
      `${chunk({}, 'stop')}\n`,
    ]);
    const outcome = await createModelClient(model, { maxRetries: 0 }).generate(ask);
    expect(outcome).toMatchObject({
      ok: true,
      result: { reasoning: 'Think.', answer: 'Answer.', finishReason: 'stop' },
    });
  });

  it('accepts [DONE] without a finish reason, and a usage chunk with no choices (vLLM, Ollama)', async () => {
    const usage = { prompt_tokens: 7, completion_tokens: 3, completion_tokens_details: { reasoning_tokens: 2 } };
    const model = await rawServer([
      `${chunk({ role: 'assistant', content: null, reasoning: 'Th' })}\n\n`,
      `${chunk({ reasoning: 'ink.', content: null })}\n\n`,
      `${chunk({ content: 'Answer.' })}\n\n`,
      `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [], usage })}\n\n`,
      'data: [DONE]\n\n',
    ]);
    const outcome = await createModelClient(model, { maxRetries: 0 }).generate(ask);
    expect(outcome).toMatchObject({
      ok: true,
      result: { reasoning: 'Think.', answer: 'Answer.', finishReason: 'unknown', usage: { promptTokens: 7 } },
    });
  });

  it('reads a whole chat.completion from a server that ignores stream: true', async () => {
    const body = {
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Answer.', reasoning_content: 'Think.' },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 2 },
    };
    const model = await rawServer([JSON.stringify(body)], { contentType: 'application/json' });
    const outcome = await createModelClient(model, { maxRetries: 0 }).generate(ask);
    expect(outcome).toMatchObject({
      ok: true,
      result: { reasoning: 'Think.', answer: 'Answer.', finishReason: 'stop' },
    });
  });
});
