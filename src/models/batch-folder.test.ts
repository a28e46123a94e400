import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataError } from '../errors.js';
import { batchSpoolFile, listBatchFolder, readBatchFolder, writeBatchFolder } from './batch-folder.js';
import { deferToBatch } from './defer-to-batch.js';
import { createModelClient } from './generate.js';
import { createOpenAICompatibleModel } from './openai-compatible-model.js';
import { openRequestCache } from './request-cache.js';

const model = createOpenAICompatibleModel({ baseUrl: 'http://127.0.0.1:9/v1', model: 'fake-model', stream: true });

function folder(): string {
  return mkdtempSync(path.join(tmpdir(), 'deliberate-batch-folder-'));
}

/** Defers `count` distinct requests of role teacher into the folder's spool; returns the deferral. */
async function spool(
  dir: string,
  count: number,
  options: { failures?: Parameters<typeof deferToBatch>[1]['failures'] } = {},
) {
  const deferred = deferToBatch(model, { role: 'teacher', spoolFile: batchSpoolFile(dir, 'teacher'), ...options });
  const client = createModelClient(deferred.model, {
    cache: openRequestCache(path.join(dir, 'cache.sqlite')),
    maxRetries: 3,
  });
  const outcomes = [];
  for (let index = 0; index < count; index++) {
    outcomes.push(
      await client.generate({ messages: [{ role: 'user', content: `Q${index} ${'x'.repeat(index)}` }], maxTokens: 32 }),
    );
  }
  deferred.closeSpool();
  return { deferred, outcomes, client };
}

function lines(file: string): Array<{ custom_id: string; body: Record<string, unknown> }> {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

function resultLine(customId: string, content: string) {
  return JSON.stringify({
    id: 'r',
    custom_id: customId,
    response: {
      status_code: 200,
      request_id: 'q',
      body: {
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      },
    },
    error: null,
  });
}

describe('deferring requests to a batch folder', () => {
  it('spools each distinct request once, as the live body without stream, and the call ends cancelled', async () => {
    const dir = folder();
    const { deferred, outcomes } = await spool(dir, 3);
    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.kind))).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(deferred.pending()).toBe(3);
    const spooled = lines(batchSpoolFile(dir, 'teacher'));
    expect(spooled[0]!.body).toEqual(
      model.buildRequestBody({ messages: [{ role: 'user', content: 'Q0 ' }], maxTokens: 32 }, { stream: false }),
    );
    expect(spooled[0]!.body.stream).toBeUndefined();
    expect(spooled[0]!.custom_id).toMatch(/^deliberate-[0-9a-f]{64}$/);
  });

  it('splits at the request limit, the byte limit and into n files per node; replaces earlier request files', async () => {
    const dir = folder();
    const { deferred } = await spool(dir, 7);
    const write = (limits: { maxRequests: number; maxBytes: number; parts: number }) => {
      // The spool is consumed by a write: spool the same requests again for the next case.
      writeFileSync(batchSpoolFile(dir, 'teacher'), spooled);
      return writeBatchFolder({
        dir,
        spools: [{ role: 'teacher', spoolFile: batchSpoolFile(dir, 'teacher'), pending: deferred.pending() }],
        limits,
      });
    };
    const spooled = readFileSync(batchSpoolFile(dir, 'teacher'), 'utf8');
    const sizes = (written: Array<{ requests: number }>) => written.map((file) => file.requests);
    expect(sizes(write({ maxRequests: 3, maxBytes: 1e9, parts: 1 }))).toEqual([3, 3, 1]);
    expect(listBatchFolder(dir).requestFiles.map((file) => path.basename(file.file))).toEqual([
      'teacher.requests.1-of-3.jsonl',
      'teacher.requests.2-of-3.jsonl',
      'teacher.requests.3-of-3.jsonl',
    ]);
    expect(sizes(write({ maxRequests: 50_000, maxBytes: 1e9, parts: 2 }))).toEqual([4, 3]);
    // The three files of the first write are gone: only this write's two remain.
    expect(listBatchFolder(dir).requestFiles).toHaveLength(2);
    const lineBytes = Buffer.byteLength(spooled.split('\n')[0]!) + 1;
    const byBytes = write({ maxRequests: 50_000, maxBytes: lineBytes * 2 + 10, parts: 1 });
    expect(sizes(byBytes)).toEqual([2, 2, 2, 1]);
    expect(byBytes.every((file) => file.bytes <= lineBytes * 2 + 10)).toBe(true);
    const whole = write({ maxRequests: 50_000, maxBytes: 1e9, parts: 1 });
    expect(whole.map((file) => path.basename(file.file))).toEqual(['teacher.requests.jsonl']);
    expect(lines(whole[0]!.file)).toHaveLength(7);
    expect(existsSync(batchSpoolFile(dir, 'teacher'))).toBe(false);
  });

  it('reads results into the cache (a later live call is a cache hit); a failed line is a typed failure, not retried', async () => {
    const dir = folder();
    const { deferred } = await spool(dir, 3);
    const [file] = writeBatchFolder({
      dir,
      spools: [{ role: 'teacher', spoolFile: deferred.spoolFile, pending: 3 }],
      limits: { maxRequests: 10, maxBytes: 1e9, parts: 1 },
    });
    const [first, second, third] = lines(file!.file).map((line) => line.custom_id);
    const failedLine = (customId: string, message: string) =>
      JSON.stringify({
        id: 'e',
        custom_id: customId,
        response: { status_code: 400, request_id: 'x', body: null },
        error: { error: { message, code: 400 } },
      });
    writeFileSync(
      path.join(dir, 'out.jsonl'),
      [
        resultLine(first!, 'answer zero'),
        failedLine(second!, 'maximum context length exceeded'),
        failedLine(third!, 'flagged by the content policy'),
        failedLine(first!, 'late error'),
      ].join('\n'),
    );
    const cache = openRequestCache(path.join(dir, 'cache.sqlite'));
    const read = readBatchFolder({ dir, models: { teacher: model }, cache });
    expect(read.stored).toBe(1);
    // The result for `first` wins over its failed line elsewhere in the files.
    expect([...read.failures.values()].map((failure) => failure.message)).toEqual([
      'HTTP 400: maximum context length exceeded',
      'HTTP 400: flagged by the content policy',
    ]);
    expect([...read.failures.values()][0]!.location).toBe(`${path.join(dir, 'out.jsonl')}:2`);
    expect(readdirSync(path.join(dir, 'read', '1'))).toEqual(['out.jsonl']);

    const again = deferToBatch(model, {
      role: 'teacher',
      spoolFile: batchSpoolFile(dir, 'teacher'),
      failures: read.failures,
    });
    const client = createModelClient(again.model, { cache, maxRetries: 3 });
    const ask = (index: number) =>
      client.generate({ messages: [{ role: 'user', content: `Q${index} ${'x'.repeat(index)}` }], maxTokens: 32 });
    expect(await ask(0)).toMatchObject({ ok: true, cached: true, result: { answer: 'answer zero' } });
    expect(await ask(1)).toMatchObject({ ok: false, kind: 'transport-failure', status: 400, attempts: 1 });
    const failed = await ask(1);
    expect(failed.ok ? '' : failed.message).toMatch(/out\.jsonl:2: HTTP 400: .*maximum context length/);
    expect(await ask(2)).toMatchObject({ ok: false, kind: 'provider-refusal' });
    expect(again.pending()).toBe(0);
    cache.close();
  });

  it('stops at a malformed line or a foreign custom_id with file:line, storing and moving nothing', async () => {
    const dir = folder();
    const { deferred } = await spool(dir, 2);
    const [file] = writeBatchFolder({
      dir,
      spools: [{ role: 'teacher', spoolFile: deferred.spoolFile, pending: 2 }],
      limits: { maxRequests: 10, maxBytes: 1e9, parts: 1 },
    });
    const [first] = lines(file!.file).map((line) => line.custom_id);
    const results = path.join(dir, 'results.jsonl');
    const cache = openRequestCache(path.join(dir, 'cache.sqlite'));
    const failure = (text: string) => {
      writeFileSync(results, text);
      try {
        readBatchFolder({ dir, models: { teacher: model }, cache });
      } catch (error) {
        return error as DataError;
      }
      throw new Error('expected an error');
    };
    const malformed = failure(`${resultLine(first!, 'fine')}\n{"custom_id":\n`);
    expect(malformed.location).toBe(`${results}:2`);
    expect(malformed.message).toMatch(/not valid JSON/);
    const missingField = failure(`${resultLine(first!, 'fine')}\n{"response":null}\n`);
    expect(missingField.message).toMatch(/custom_id/);
    const foreign = failure(`${resultLine(first!, 'fine')}\n${resultLine('request-7', 'x')}\n`);
    expect(foreign.location).toBe(`${results}:2`);
    expect(foreign.message).toMatch(/custom_id "request-7" is not a request of/);
    // The first, valid line was not stored either, and the file was not moved.
    expect(cache.size()).toBe(0);
    expect(existsSync(results)).toBe(true);
    cache.close();
  });
});
