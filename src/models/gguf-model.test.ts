import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { writeTinyGguf } from '../../test/helpers/tiny-gguf.js';
import { createModelClient } from './generate.js';
import { createGgufModel } from './gguf-model.js';
import type { ModelClient } from './model-client.js';

describe('gguf backend (node-llama-cpp, tiny random-weight model)', () => {
  let client: ModelClient;
  beforeAll(() => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'deliberate-gguf-')), 'tiny.gguf');
    writeTinyGguf(file);
    client = createModelClient(createGgufModel({ path: file, threads: 1, contextSize: 1024 }), { maxRetries: 0 });
  });
  afterAll(async () => {
    await client.close?.();
  });

  it('loads the model and generates tokens', async () => {
    const outcome = await client.generate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello world' },
      ],
      maxTokens: 12,
      temperature: 0,
    });
    // Random weights: the text is noise, so no claim about its content, only that tokens came out and were counted.
    const result = outcome.ok ? outcome.result : outcome.result;
    expect(result).toBeDefined();
    expect(result!.usage.completionTokens).toBeGreaterThan(0);
    expect(result!.usage.promptTokens).toBeGreaterThan(0);
    expect(result!.reasoning === null || typeof result!.reasoning === 'string').toBe(true);
    expect(client.model.id).toBe('gguf:tiny.gguf');
  });

  it('generates a grammar-constrained JSON object that validates', async () => {
    const Verdict = z.object({ verdict: z.enum(['compliant', 'violation']), confidence: z.number() });
    const outcome = await client.generateObject(
      { messages: [{ role: 'user', content: 'Judge: is this safe?' }], maxTokens: 60, temperature: 0 },
      Verdict,
      'verdict',
    );
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(['compliant', 'violation']).toContain(outcome.object.verdict);
  });

  it('reports a missing file as a typed transport failure naming the fix', async () => {
    const missing = createModelClient(createGgufModel({ path: '/nonexistent/model.gguf', threads: 1 }));
    const outcome = await missing.generate({ messages: [{ role: 'user', content: 'hi' }] });
    expect(outcome).toMatchObject({ ok: false, kind: 'transport-failure' });
    if (!outcome.ok) expect(outcome.message).toMatch(/models pull/);
  });
});

describe('gguf backend: cache identity', () => {
  it('differs with prefilledThink (it changes how the same output is split), without loading the file', () => {
    const plain = createGgufModel({ path: '/models/m.gguf' });
    const prefilled = createGgufModel({ path: '/models/m.gguf', prefilledThink: true });
    expect(prefilled.cacheIdentity).not.toBe(plain.cacheIdentity);
    expect(plain.cacheIdentity).toBe('gguf|/models/m.gguf');
  });
});
