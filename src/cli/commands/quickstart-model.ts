/**
 * @module cli/commands/quickstart-model
 * Finds a model for `deliberate quickstart`, in this order: an endpoint from the environment (DELIBERATE_BASE_URL
 * [+ DELIBERATE_MODEL, DELIBERATE_API_KEY], or OPENAI_BASE_URL with OPENAI_API_KEY); an Ollama on localhost
 * (OLLAMA_HOST), preferring a reasoning model; the embedded GGUF backend with a small Qwen3 reasoning model pulled on
 * first use. With none of these it throws an error that names all three ways.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import { installNodeLlamaCppCommand, isNodeLlamaCppInstalled } from '../../models/load-node-llama-cpp.js';
import { pullGguf } from '../../models/pull-gguf.js';
import type { ModelSettingsInput } from '../../records/model-settings.js';

/** The small reasoning model the embedded backend pulls on first use (about 640 MB). */
export const quickstartGguf = { repo: 'Qwen/Qwen3-0.6B-GGUF', file: 'Qwen3-0.6B-Q8_0.gguf' } as const;

export interface QuickstartModel {
  source: 'environment' | 'ollama' | 'gguf';
  /** One line for the user: where the model came from. */
  description: string;
  settings: ModelSettingsInput;
}

export interface FindQuickstartModelOptions {
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Progress of a GGUF download (a line at a time). */
  onProgress?: (line: string) => void;
  /** Whether the embedded backend's engine (the optional node-llama-cpp) is installed; default: look for it. */
  ggufBackendInstalled?: () => boolean;
}

const reasoningModelPattern = /qwen3|deepseek-r1|r1-distill|qwq|gpt-oss|magistral|phi4-reasoning|reason|think/i;

/** Asks an OpenAI-compatible server for its first model id (when DELIBERATE_MODEL does not name one). */
async function firstServedModel(baseUrl: string, apiKey: string | undefined, fetchImpl: typeof fetch): Promise<string> {
  let response: Response;
  try {
    response = await fetchImpl(`${baseUrl.replace(/\/+$/, '')}/models`, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new ConfigError(`cannot reach ${baseUrl}: ${(error as Error).message}`, {
      hint: 'check the endpoint URL, or set DELIBERATE_MODEL to the model name so no model list is needed',
    });
  }
  const body = (await response.json().catch(() => undefined)) as { data?: Array<{ id?: string }> } | undefined;
  const ids = (body?.data ?? []).map((entry) => entry.id).filter((id): id is string => typeof id === 'string');
  const id = ids.find((name) => reasoningModelPattern.test(name)) ?? ids[0];
  if (!response.ok || id === undefined) {
    throw new ConfigError(`${baseUrl}/models lists no model (HTTP ${response.status})`, {
      hint: 'set DELIBERATE_MODEL to the name of the model the endpoint serves',
    });
  }
  return id;
}

/** Looks for Ollama at OLLAMA_HOST (default http://127.0.0.1:11434); returns its base URL and a model, or undefined. */
async function probeOllama(
  env: Record<string, string | undefined>,
  fetchImpl: typeof fetch,
): Promise<{ baseUrl: string; model: string } | undefined> {
  const host = (env.OLLAMA_HOST ?? 'http://127.0.0.1:11434').replace(/\/+$/, '');
  const origin = /^https?:\/\//.test(host) ? host : `http://${host}`;
  try {
    const response = await fetchImpl(`${origin}/api/tags`, { signal: AbortSignal.timeout(1_500) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { models?: Array<{ name?: string; model?: string }> };
    const names = (body.models ?? [])
      .map((entry) => entry.name ?? entry.model)
      .filter((name): name is string => !!name);
    const model = names.find((name) => reasoningModelPattern.test(name)) ?? names[0];
    return model === undefined ? undefined : { baseUrl: `${origin}/v1`, model };
  } catch {
    return undefined;
  }
}

function offlineError(details: string[]): ConfigError {
  return new ConfigError(
    [
      'quickstart found no model to run:',
      ...details.map((detail) => `  - ${detail}`),
      'Provide one of these and run quickstart again:',
      '  1. an OpenAI-compatible endpoint: export DELIBERATE_BASE_URL=http://host:port/v1 (and DELIBERATE_MODEL, DELIBERATE_API_KEY if needed), or OPENAI_BASE_URL with OPENAI_API_KEY',
      '  2. Ollama running on this machine (ollama serve; ollama pull qwen3:0.6b), or OLLAMA_HOST pointing at one',
      `  3. network access to the Hugging Face hub once, so the embedded backend (${installNodeLlamaCppCommand}) can pull ${quickstartGguf.repo}/${quickstartGguf.file} (or run: npx deliberate models pull ${quickstartGguf.repo} ${quickstartGguf.file} where you have network, and copy the cache folder)`,
    ].join('\n'),
    {
      hint: 'or edit the models section of deliberate.yaml by hand and run `npx deliberate run --config deliberate.yaml`',
    },
  );
}

/** Finds the model quickstart uses for both teacher and judge. */
export async function findQuickstartModel(options: FindQuickstartModelOptions): Promise<QuickstartModel> {
  const { env } = options;
  const fetchImpl = options.fetch ?? fetch;
  const deliberateUrl = env.DELIBERATE_BASE_URL;
  if (deliberateUrl) {
    const apiKey = env.DELIBERATE_API_KEY;
    const model = env.DELIBERATE_MODEL ?? (await firstServedModel(deliberateUrl, apiKey, fetchImpl));
    return {
      source: 'environment',
      description: `DELIBERATE_BASE_URL ${deliberateUrl}, model ${model}`,
      settings: {
        provider: 'openai-compatible',
        baseUrl: deliberateUrl,
        model,
        ...(apiKey ? { apiKeyEnv: 'DELIBERATE_API_KEY' } : {}),
      },
    };
  }
  const details: string[] = ['DELIBERATE_BASE_URL is not set'];
  if (env.OPENAI_BASE_URL && env.OPENAI_API_KEY) {
    const model = env.DELIBERATE_MODEL ?? (await firstServedModel(env.OPENAI_BASE_URL, env.OPENAI_API_KEY, fetchImpl));
    return {
      source: 'environment',
      description: `OPENAI_BASE_URL ${env.OPENAI_BASE_URL}, model ${model}`,
      settings: { provider: 'openai-compatible', baseUrl: env.OPENAI_BASE_URL, model, apiKeyEnv: 'OPENAI_API_KEY' },
    };
  }
  details.push(env.OPENAI_BASE_URL ? 'OPENAI_BASE_URL is set but OPENAI_API_KEY is not' : 'OPENAI_BASE_URL is not set');
  const ollama = await probeOllama(env, fetchImpl);
  if (ollama) {
    return {
      source: 'ollama',
      description: `Ollama at ${ollama.baseUrl}, model ${ollama.model}`,
      settings: { provider: 'openai-compatible', baseUrl: ollama.baseUrl, model: ollama.model, preset: 'ollama' },
    };
  }
  details.push(`no Ollama answered at ${env.OLLAMA_HOST ?? 'http://127.0.0.1:11434'}/api/tags`);
  if (!(options.ggufBackendInstalled ?? isNodeLlamaCppInstalled)()) {
    details.push(
      `the embedded GGUF backend is not installed (node-llama-cpp is optional: ${installNodeLlamaCppCommand})`,
    );
    throw offlineError(details);
  }
  const directory = env.DELIBERATE_MODELS_DIR ?? path.join(homedir(), '.cache', 'deliberate', 'models');
  try {
    let lastLine = 0;
    const pulled = await pullGguf({
      ...quickstartGguf,
      directory,
      endpoint: env.HF_ENDPOINT,
      token: env.HF_TOKEN,
      signal: options.signal,
      fetch: options.fetch,
      onProgress: (progress) => {
        if (Date.now() - lastLine < 5_000) return;
        lastLine = Date.now();
        const total = progress.totalBytes === null ? '' : ` of ${Math.round(progress.totalBytes / 1e6)} MB`;
        options.onProgress?.(
          `downloading ${quickstartGguf.file}: ${Math.round(progress.receivedBytes / 1e6)} MB${total}\n`,
        );
      },
    });
    return {
      source: 'gguf',
      description: `the embedded GGUF backend with ${quickstartGguf.repo}/${quickstartGguf.file} (${pulled.path})`,
      // spec(category) of the example spec is about 7K tokens; with the template, the conversation and the answer 16K fits.
      settings: { provider: 'gguf', path: pulled.path, contextSize: 16384 },
    };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    details.push(
      `the GGUF model could not be pulled from ${env.HF_ENDPOINT ?? 'https://huggingface.co'}: ${(error as Error).message}`,
    );
  }
  throw offlineError(details);
}
