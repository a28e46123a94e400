import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { createModelClient } from './generate.js';
import { createGgufModel } from './gguf-model.js';
import { isNodeLlamaCppInstalled, loadNodeLlamaCpp } from './load-node-llama-cpp.js';

function notFound(): Promise<never> {
  return Promise.reject(
    Object.assign(new Error("Cannot find package 'node-llama-cpp'"), { code: 'ERR_MODULE_NOT_FOUND' }),
  );
}

describe('node-llama-cpp is optional', () => {
  it('a missing package is a ConfigError that says how to add it', async () => {
    const error = await loadNodeLlamaCpp(notFound).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/gguf provider needs node-llama-cpp/);
    expect((error as ConfigError).hint).toMatch(/npm i node-llama-cpp@\^3/);
  });

  it('any other import failure is passed on unchanged', async () => {
    const broken = new Error('native addon failed to load');
    await expect(loadNodeLlamaCpp(() => Promise.reject(broken))).rejects.toBe(broken);
  });

  it('a gguf role without the package fails its request with the install command', async () => {
    const file = new URL(import.meta.url).pathname; // any existing file: the import fails before it is read
    const client = createModelClient(createGgufModel({ path: file, importNodeLlamaCpp: notFound }), {
      maxRetries: 0,
    });
    const outcome = await client.generate({ messages: [{ role: 'user', content: 'hi' }] });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.message).toMatch(/npm i node-llama-cpp/);
  });

  it('tells whether the package can be found without loading it', () => {
    expect(isNodeLlamaCppInstalled()).toBe(true); // a devDependency of this repo
    expect(
      isNodeLlamaCppInstalled(() => {
        throw new Error('not found');
      }),
    ).toBe(false);
  });
});
