import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { stableHash } from '../io/stable-hash.js';
import type { GenerateRequest, GenerateResult } from './chat-model.js';
import { openRequestCache, requestCacheKey } from './request-cache.js';
import { toJsonSchemaOnce } from './structured-output.js';

/** The key as it was first defined: the stable hash of the whole request object. */
function definedKey(cacheIdentity: string, request: GenerateRequest): string {
  return stableHash({
    version: 1,
    cacheIdentity,
    messages: request.messages,
    maxTokens: request.maxTokens,
    temperature: request.temperature,
    topP: request.topP,
    seed: request.seed,
    sampleIndex: request.sampleIndex ?? 0,
    responseSchema: request.responseSchema
      ? { name: request.responseSchema.name, schema: toJsonSchemaOnce(request.responseSchema.schema) }
      : undefined,
    extraBody: request.extraBody,
  });
}

const result: GenerateResult = {
  reasoning: 'Think.',
  answer: 'Answer.',
  reasoningSource: 'reasoning_content',
  finishReason: 'stop',
  usage: { promptTokens: 3, completionTokens: 2, reasoningTokens: 0, cachedTokens: 0 },
  latencyMs: 5,
  warnings: [],
};

describe('request cache', () => {
  const verdict = z.object({ score: z.number(), because: z.string() });
  const requests: GenerateRequest[] = [
    { messages: [{ role: 'user', content: 'Hi' }] },
    {
      messages: [
        { role: 'system', content: 'Spec "quoted" \n text' },
        { role: 'user', content: 'Q', name: 'u1' },
        { role: 'assistant', content: 'A', reasoning: 'R' },
      ],
      maxTokens: 512,
      temperature: 0.6,
      topP: 0.95,
      seed: 3,
      sampleIndex: 2,
      extraBody: { chat_template_kwargs: { enable_thinking: false }, b: [1, { z: 1, a: 2 }] },
    },
    { messages: [{ role: 'user', content: 'Judge' }], responseSchema: { name: 'verdict', schema: verdict } },
    { messages: [{ role: 'user', content: 'Judge' }], responseSchema: { name: 'other', schema: verdict } },
  ];

  it('keys a request by the stable hash of the whole request, whichever fields are set', () => {
    for (const request of requests) {
      expect(requestCacheKey('openai-compatible|x|m|h', request)).toBe(definedKey('openai-compatible|x|m|h', request));
      // Twice: the second call takes the response schema's canonical form made by the first.
      expect(requestCacheKey('id', request)).toBe(definedKey('id', request));
    }
    const keys = new Set(requests.map((request) => requestCacheKey('id', request)));
    expect(keys.size).toBe(requests.length);
  });

  it('answers a stored result at once, and has it in the file after close', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'request-cache-')), 'cache.sqlite');
    const cache = openRequestCache(file);
    cache.set('k1', { modelId: 'm', result });
    expect(cache.get('k1')?.answer).toBe('Answer.');
    expect(cache.size()).toBe(1);
    cache.set('k2', { modelId: 'm', result: { ...result, answer: 'Second.' } });
    cache.close();
    const rows = new Database(file, { readonly: true }).prepare('SELECT key FROM results ORDER BY key').all();
    expect(rows).toEqual([{ key: 'k1' }, { key: 'k2' }]);
    const reopened = openRequestCache(file);
    expect(reopened.get('k2')?.answer).toBe('Second.');
    reopened.close();
  });

  it('commits each result when it is stored (another connection reads it before close)', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'request-cache-')), 'cache.sqlite');
    const cache = openRequestCache(file);
    cache.set('k1', { modelId: 'm', result });
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT count(*) AS n FROM results').get()).toEqual({ n: 1 });
    reader.close();
    cache.close();
  });

  it('commit stores the results of one turn together and resolves once another connection reads them', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'request-cache-')), 'cache.sqlite');
    const cache = openRequestCache(file);
    const reader = new Database(file, { readonly: true });
    const rows = reader.prepare('SELECT key FROM results ORDER BY key');
    const committed = Promise.all([
      cache.commit('k1', { modelId: 'm', result }),
      cache.commit('k2', { modelId: 'm', result: { ...result, answer: 'Second.' } }),
    ]);
    expect(rows.all()).toEqual([]);
    await committed;
    expect(rows.all()).toEqual([{ key: 'k1' }, { key: 'k2' }]);
    expect(cache.get('k2')?.answer).toBe('Second.');
    const queued = cache.commit('k3', { modelId: 'm', result });
    cache.close();
    await queued;
    expect(rows.all()).toEqual([{ key: 'k1' }, { key: 'k2' }, { key: 'k3' }]);
    reader.close();
  });
});
