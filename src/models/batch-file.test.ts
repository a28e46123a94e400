import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../test/helpers/fake-openai-server.js';
import type { DataError } from '../errors.js';
import { readBatchResults, splitBatchLines, writeBatchFile } from './batch-file.js';
import { createModelClient } from './generate.js';
import { createOpenAICompatibleModel } from './openai-compatible-model.js';
import { openRequestCache } from './request-cache.js';

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('batch files', () => {
  it('round-trips through a result file in OpenAI Batch output format into the cache', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-batch-'));
    server = await startFakeOpenAIServer(() => ({ content: 'live answer' }));
    const model = createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'fake-model', stream: true });
    const cache = openRequestCache(path.join(folder, 'cache.sqlite'));
    const Verdict = z.object({ verdict: z.string() });
    const requests = [0, 1, 2].map((sampleIndex) => ({
      messages: [{ role: 'user' as const, content: 'Explain X.' }],
      maxTokens: 64,
      sampleIndex,
    }));
    const judged = {
      messages: [{ role: 'user' as const, content: 'Judge.' }],
      responseSchema: { name: 'verdict', schema: Verdict },
    };
    const written = writeBatchFile({
      model,
      requests: [...requests, requests[0]!, judged],
      file: path.join(folder, 'in.jsonl'),
      cache,
    });
    expect(written).toMatchObject({ written: 4, duplicates: 1, skipped: 0 });
    const input = readFileSync(path.join(folder, 'in.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(input[0]).toMatchObject({
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'fake-model', max_tokens: 64 },
    });
    expect(input[0].body.stream).toBeUndefined();
    expect(input[3].body.response_format.type).toBe('json_schema');

    // What a batch runner writes back: out of order, one failed line.
    const output = input
      .map((line, index) =>
        index === 2
          ? {
              id: `b-${index}`,
              custom_id: line.custom_id,
              response: null,
              error: { code: 'server_error', message: 'boom' },
            }
          : {
              id: `b-${index}`,
              custom_id: line.custom_id,
              response: {
                status_code: 200,
                request_id: `r-${index}`,
                body: {
                  id: `c-${index}`,
                  object: 'chat.completion',
                  choices: [
                    {
                      index: 0,
                      message: {
                        role: 'assistant',
                        reasoning_content: `why ${index}`,
                        content: index === 3 ? '{"verdict":"compliant"}' : `batch answer ${index}`,
                      },
                      finish_reason: 'stop',
                    },
                  ],
                  usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
                },
              },
              error: null,
            },
      )
      .reverse();
    writeFileSync(path.join(folder, 'out.jsonl'), output.map((line) => JSON.stringify(line)).join('\n'));
    const read = readBatchResults({ model, file: path.join(folder, 'out.jsonl'), cache });
    expect(read).toMatchObject({ stored: 3, foreign: 0 });
    expect(read.failed).toHaveLength(1);

    const client = createModelClient(model, { cache, maxRetries: 0 });
    const first = await client.generate(requests[0]!);
    expect(first).toMatchObject({ ok: true, cached: true, result: { answer: 'batch answer 0', reasoning: 'why 0' } });
    const object = await client.generateObject({ messages: judged.messages }, Verdict, 'verdict');
    expect(object).toMatchObject({ ok: true, cached: true, object: { verdict: 'compliant' } });
    expect(server.requests).toHaveLength(0);
    // The failed line runs live.
    expect(await client.generate(requests[2]!)).toMatchObject({
      ok: true,
      cached: false,
      result: { answer: 'live answer' },
    });
    expect(server.requests).toHaveLength(1);
    // Writing again leaves out everything now cached.
    expect(writeBatchFile({ model, requests, file: path.join(folder, 'again.jsonl'), cache })).toMatchObject({
      written: 0,
      skipped: 3,
    });
    cache.close();
  });

  it('names file:line for a malformed result line', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-batch-'));
    const model = createOpenAICompatibleModel({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm' });
    const cache = openRequestCache(path.join(folder, 'cache.sqlite'));
    writeFileSync(
      path.join(folder, 'out.jsonl'),
      '{"custom_id":"deliberate-x","response":{"status_code":200}}\n{oops\n',
    );
    let location: string | undefined;
    try {
      readBatchResults({ model, file: path.join(folder, 'out.jsonl'), cache });
    } catch (error) {
      location = (error as DataError).location;
    }
    expect(location).toMatch(/out\.jsonl:2$/);
    cache.close();
  });

  it('splits at the request and byte limits, and into equal parts per node; each part names its place', () => {
    const lines = Array.from({ length: 10 }, (_, index) => `{"n":${index}}`);
    const sizes = (groups: string[][]) => groups.map((group) => group.length);
    expect(sizes(splitBatchLines(lines, { maxRequests: 4, maxBytes: 1e9, parts: 1 }))).toEqual([4, 4, 2]);
    expect(sizes(splitBatchLines(lines, { maxRequests: 50_000, maxBytes: 1e9, parts: 3 }))).toEqual([4, 4, 2]);
    expect(sizes(splitBatchLines(lines, { maxRequests: 50_000, maxBytes: 1e9, parts: 2 }))).toEqual([5, 5]);
    expect(sizes(splitBatchLines(lines, { maxRequests: 50_000, maxBytes: 24, parts: 1 }))).toEqual([3, 3, 3, 1]);
    expect(() => splitBatchLines(lines, { maxRequests: 10, maxBytes: 5, parts: 1 })).toThrow(/more than the 5 allowed/);

    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-batch-parts-'));
    const model = createOpenAICompatibleModel({ baseUrl: 'http://127.0.0.1:9/v1', model: 'fake-model' });
    const requests = Array.from({ length: 5 }, (_, index) => ({
      messages: [{ role: 'user' as const, content: `Q${index}` }],
    }));
    const written = writeBatchFile({ model, requests, file: path.join(folder, 'in.jsonl'), parts: 2 });
    expect(written.files.map((file) => path.basename(file))).toEqual(['in.1-of-2.jsonl', 'in.2-of-2.jsonl']);
    const counts = written.files.map((file) => readFileSync(file, 'utf8').trim().split('\n').length);
    expect(counts).toEqual([3, 2]);
    const single = writeBatchFile({ model, requests, file: path.join(folder, 'one.jsonl') });
    expect(single.files).toEqual([path.join(folder, 'one.jsonl')]);
  });
});
