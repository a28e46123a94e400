/**
 * @module models/load-node-llama-cpp
 * node-llama-cpp, the `gguf` backend's engine, is an optional peer dependency (its CPU, CUDA and Vulkan builds are
 * several hundred MB): it is imported only when a gguf role is used, and its absence is a clear error with the fix.
 */
import { createRequire } from 'node:module';
import { ConfigError } from '../errors.js';

export type NodeLlamaCpp = typeof import('node-llama-cpp');

/** The command that adds the gguf backend to a project (the range matches package.json's peerDependencies). */
export const installNodeLlamaCppCommand = 'npm i node-llama-cpp@^3.21.1';

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** The error a gguf role gets when node-llama-cpp is not installed. */
export function nodeLlamaCppMissingError(): ConfigError {
  return new ConfigError('the gguf provider needs node-llama-cpp, an optional dependency that is not installed', {
    hint: `run \`${installNodeLlamaCppCommand}\` in your project (it downloads a prebuilt llama.cpp for this machine), or use an openai-compatible provider (vLLM, SGLang, Ollama, llama.cpp server)`,
  });
}

/** Imports node-llama-cpp; a missing package becomes nodeLlamaCppMissingError(). `importModule` is for tests. */
export async function loadNodeLlamaCpp(
  importModule: () => Promise<NodeLlamaCpp> = () => import('node-llama-cpp'),
): Promise<NodeLlamaCpp> {
  try {
    return await importModule();
  } catch (error) {
    if (isModuleNotFound(error)) throw nodeLlamaCppMissingError();
    throw error;
  }
}

/** Whether node-llama-cpp can be found from this package, without loading it. `resolve` is for tests. */
export function isNodeLlamaCppInstalled(
  resolve: (specifier: string) => string = createRequire(import.meta.url).resolve,
): boolean {
  try {
    resolve('node-llama-cpp');
    return true;
  } catch {
    return false;
  }
}
