/**
 * @module models/create-model-client-from-settings
 * Settings → backend → ModelClient. The one place a role's settings become a working client: API key from the
 * environment values the CLI passes down, limits and retries from the settings, and the shared request cache.
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import type { ModelSettings } from '../records/model-settings.js';
import type { ChatModel } from './chat-model.js';
import { createModelClient, type GenerateOptions, type RetryEvent } from './generate.js';
import { createGgufModel } from './gguf-model.js';
import type { ModelClient } from './model-client.js';
import { createOpenAICompatibleModel } from './openai-compatible-model.js';
import { createRateLimiter, type RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
import { openRequestCache, type RequestCache } from './request-cache.js';

export interface ModelClientFromSettingsOptions {
  /** Environment values, passed down by the CLI (library code never reads the environment itself). */
  env: Record<string, string | undefined>;
  /** The role name, for error messages (`models.<role>`). */
  role?: string;
  /** SQLite request cache file; no cache when unset. */
  cacheFile?: string;
  /** An already opened cache (createRoleClients shares one between roles). Wins over cacheFile. */
  cache?: RequestCache;
  /** Do not read the cache (fresh results are still written). */
  noCache?: boolean;
  callLogFile?: string;
  logMessages?: boolean;
  signal?: AbortSignal;
  abortInFlight?: boolean;
  onRetry?: (event: RetryEvent) => void;
  /** Resolves a GGUF path written in the config (relative to the config file). */
  resolvePath?: (relative: string) => string;
  /** For tests: the fetch the openai-compatible backend uses. */
  fetch?: typeof fetch;
  /** Replaces a role's backend before its client is built (`--via batch` defers its requests to batch files). */
  wrapModel?: (model: ChatModel, role: string | undefined) => ChatModel;
}

/** Internal sharing between roles bound to the same endpoint or GGUF file: one backend, one limiter. */
interface SharedBackend {
  model?: ChatModel;
  limiter?: RateLimiter;
}

/** Builds the backend a role's settings describe. A missing API key variable is a ConfigError naming it. */
export function createChatModelFromSettings(
  settings: ModelSettings,
  options: Pick<ModelClientFromSettingsOptions, 'env' | 'role' | 'resolvePath' | 'fetch'>,
): ChatModel {
  const where = `models.${options.role ?? '(model)'}`;
  if (settings.provider === 'gguf') {
    const file = options.resolvePath ? options.resolvePath(settings.path) : settings.path;
    if (!existsSync(file)) {
      throw new ConfigError(`the GGUF file of role "${options.role ?? '(model)'}" does not exist: ${file}`, {
        location: `${where}.path`,
        hint: 'correct the path (relative to the config file), or download one with `deliberate models pull <repo> <file>`',
      });
    }
    return createGgufModel({
      path: file,
      threads: settings.threads,
      contextSize: settings.contextSize,
      gpu: settings.gpu,
      prefilledThink: settings.prefilledThink,
    });
  }
  let apiKey: string | undefined;
  if (settings.apiKeyEnv) {
    apiKey = options.env[settings.apiKeyEnv];
    if (apiKey === undefined || apiKey === '') {
      throw new ConfigError(
        `the environment variable ${settings.apiKeyEnv} (apiKeyEnv of role "${options.role ?? '(model)'}") is not set`,
        {
          location: `${where}.apiKeyEnv`,
          hint: `export ${settings.apiKeyEnv}=<your key> before running, or remove apiKeyEnv for a server without keys`,
        },
      );
    }
  }
  return createOpenAICompatibleModel({
    baseUrl: settings.baseUrl,
    model: settings.model,
    apiKey,
    apiKeyEnv: settings.apiKeyEnv,
    preset: settings.preset,
    stream: settings.stream,
    extraBody: settings.extraBody,
    structuredOutput: settings.structuredOutput,
    harmony: settings.harmony,
    prefilledThink: settings.prefilledThink,
    connections: settings.concurrency ?? 8,
    fetch: options.fetch,
  });
}

/** The wrapper options (limits, retries, defaults, price) a role's settings carry. */
export function generateOptionsFromSettings(settings: ModelSettings): GenerateOptions {
  return {
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    retryBaseDelayMs: settings.retryBaseDelayMs,
    retryMaxDelayMs: settings.retryMaxDelayMs,
    concurrency: settings.provider === 'gguf' ? 1 : settings.concurrency,
    requestsPerMinute: settings.requestsPerMinute,
    tokensPerMinute: settings.tokensPerMinute,
    defaults: { maxTokens: settings.maxTokens, temperature: settings.temperature, topP: settings.topP },
    noAnswerRetryMaxTokens: settings.noAnswerRetryMaxTokens,
    price: settings.price,
  };
}

/**
 * The limits of one endpoint shared by several roles: the most restrictive of theirs, whatever the role order (the
 * smallest concurrency, and the smallest requestsPerMinute / tokensPerMinute among the roles that set one).
 */
export function mostRestrictiveLimits(settings: readonly ModelSettings[]): RateLimiterOptions {
  const limits = settings.map(generateOptionsFromSettings);
  const smallest = (values: Array<number | undefined>) => {
    const set = values.filter((value): value is number => value !== undefined);
    return set.length > 0 ? Math.min(...set) : undefined;
  };
  return {
    concurrency: smallest(limits.map((limit) => limit.concurrency ?? 8)) ?? 8,
    requestsPerMinute: smallest(limits.map((limit) => limit.requestsPerMinute)),
    tokensPerMinute: smallest(limits.map((limit) => limit.tokensPerMinute)),
  };
}

/** One role's ModelClient. Its `close()` also closes a cache it opened itself from `cacheFile`. */
export function createModelClientFromSettings(
  settings: ModelSettings,
  options: ModelClientFromSettingsOptions & { shared?: SharedBackend },
): ModelClient {
  const backend = options.shared?.model ?? createChatModelFromSettings(settings, options);
  const model = options.wrapModel ? options.wrapModel(backend, options.role) : backend;
  const ownCache = options.cache ? undefined : options.cacheFile ? openRequestCache(options.cacheFile) : undefined;
  const client = createModelClient(model, {
    ...generateOptionsFromSettings(settings),
    cache: options.cache ?? ownCache,
    noCache: options.noCache,
    callLogFile: options.callLogFile,
    logMessages: options.logMessages,
    signal: options.signal,
    abortInFlight: options.abortInFlight,
    onRetry: options.onRetry,
    limiter: options.shared?.limiter,
  });
  if (!ownCache) return client;
  return {
    ...client,
    async close() {
      await client.close?.();
      ownCache.close();
    },
  };
}

/** Roles sharing one loaded GGUF model must agree on how it is loaded and read; else one role's settings would be silently ignored. */
function checkSameGgufBackend(
  first: { role: string; settings: ModelSettings },
  next: { role: string; settings: ModelSettings },
): void {
  const [a, b] = [first.settings, next.settings];
  if (a.provider !== 'gguf' || b.provider !== 'gguf') return;
  const fields = ['contextSize', 'gpu', 'threads', 'prefilledThink'] as const;
  const differing = fields.filter((field) => a[field] !== b[field]);
  if (differing.length === 0) return;
  const values = differing.map((field) => `${field}: ${String(a[field])} vs ${String(b[field])}`).join(', ');
  throw new ConfigError(
    `roles "${first.role}" and "${next.role}" load the same GGUF file with different settings (${values})`,
    {
      location: `models.${next.role}`,
      hint: `one loaded model serves both roles: give them the same ${differing.join(', ')}`,
    },
  );
}

/**
 * A ModelClient per role, sharing one request cache (closed when the last client is closed); every missing API key
 * is reported at once, before anything runs.
 */
export function createRoleClients(
  models: Record<string, ModelSettings>,
  options: Omit<ModelClientFromSettingsOptions, 'role' | 'cache'>,
): Record<string, ModelClient> {
  const problems: ConfigError[] = [];
  const missing = new Set<string>();
  for (const [role, settings] of Object.entries(models)) {
    try {
      createChatModelFromSettings(settings, { ...options, role });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error);
      if (settings.provider === 'openai-compatible' && settings.apiKeyEnv) missing.add(settings.apiKeyEnv);
    }
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    throw new ConfigError(problems.map((problem) => `${problem.location}: ${problem.message}`).join('\n'), {
      hint: `set ${[...missing].join(', ')} in the environment (keys never go in the config file)`,
    });
  }
  const cache = options.cacheFile ? openRequestCache(options.cacheFile) : undefined;
  let open = Object.keys(models).length;
  const clients: Record<string, ModelClient> = {};
  // Roles on the same endpoint and model share one limiter, so concurrency and rate limits hold for the endpoint;
  // it takes the most restrictive limits of those roles (none is silently ignored). Roles on the same GGUF file also
  // share the backend, so the model loads once.
  const endpointOf = (settings: ModelSettings) =>
    settings.provider === 'gguf'
      ? `gguf|${options.resolvePath ? options.resolvePath(settings.path) : settings.path}`
      : `${settings.baseUrl}|${settings.model}`;
  const endpointSettings = new Map<string, ModelSettings[]>();
  for (const settings of Object.values(models)) {
    const endpoint = endpointOf(settings);
    endpointSettings.set(endpoint, [...(endpointSettings.get(endpoint) ?? []), settings]);
  }
  const limiters = new Map<string, RateLimiter>();
  const ggufModels = new Map<string, { model: ChatModel; users: number; role: string; settings: ModelSettings }>();
  for (const [role, settings] of Object.entries(models)) {
    const endpoint = endpointOf(settings);
    let limiter = limiters.get(endpoint);
    if (!limiter) {
      limiter = createRateLimiter(mostRestrictiveLimits(endpointSettings.get(endpoint)!));
      limiters.set(endpoint, limiter);
    }
    let gguf = ggufModels.get(endpoint);
    if (settings.provider === 'gguf' && !gguf) {
      gguf = { model: createChatModelFromSettings(settings, { ...options, role }), users: 0, role, settings };
      ggufModels.set(endpoint, gguf);
    } else if (gguf) {
      checkSameGgufBackend(gguf, { role, settings });
    }
    if (gguf) gguf.users += 1;
    const sharedModel = gguf;
    const client = createModelClientFromSettings(settings, {
      ...options,
      role,
      cache,
      shared: { limiter, model: sharedModel?.model },
    });
    let closed = false;
    clients[role] = {
      ...client,
      async close() {
        if (closed) return;
        closed = true;
        if (sharedModel) sharedModel.users -= 1;
        if (!sharedModel || sharedModel.users === 0) await client.close?.();
        open -= 1;
        if (open === 0) cache?.close();
      },
    };
  }
  return clients;
}
