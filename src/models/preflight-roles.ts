/**
 * @module models/preflight-roles
 * The cheap check before a stage's first paid request: is each role's endpoint up, does it accept the key, does it
 * answer as an OpenAI-compatible server? `GET /models` first (no tokens); when that route is missing or not JSON, one
 * 1-token chat request without retries. A dead, wrong or unauthorised endpoint stops the command at once with the
 * role, the URL and the fix. Used by the pipeline stages and by `deliberate eval`.
 */
import { RoleUnavailableError } from '../errors.js';
import type { ModelSettings } from '../records/model-settings.js';
import { explainFailure } from './check-model.js';
import { createChatModelFromSettings } from './create-model-client-from-settings.js';
import { createModelClient } from './generate.js';
import { redactSecrets } from './redact-secrets.js';

export interface RolePreflightOptions {
  /** Environment values passed down by the CLI (the API key variables). */
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  resolvePath?: (relative: string) => string;
  /** How long the check may wait for an answer (default 15 s). */
  timeoutMs?: number;
}

export interface RolePreflightResult {
  role: string;
  modelId: string;
  url: string;
  /** What went wrong, when the role cannot be used (null: it can). */
  problem: string | null;
  /** How to fix the problem. */
  fix: string | null;
  /** Worth saying, not a failure (e.g. the server does not list the model id). */
  warning: string | null;
}

type ModelsAnswer =
  | { kind: 'listed'; ids: string[] }
  | { kind: 'unreachable'; message: string }
  | { kind: 'unauthorised'; status: number }
  | { kind: 'inconclusive' };

async function askForModels(url: string, headers: Record<string, string>, options: RolePreflightOptions) {
  const fetchFunction = options.fetch ?? fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetchFunction(`${url.replace(/\/+$/, '')}/models`, { headers, signal });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = timeout.aborted
      ? `no answer within ${options.timeoutMs ?? 15_000} ms`
      : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { kind: 'unreachable', message: `cannot reach ${url} (${reason})` } satisfies ModelsAnswer;
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    return { kind: 'unauthorised', status: response.status } satisfies ModelsAnswer;
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { kind: 'inconclusive' } satisfies ModelsAnswer;
  }
  try {
    const body = (await response.json()) as { data?: Array<{ id?: unknown }> };
    if (!Array.isArray(body.data)) return { kind: 'inconclusive' } satisfies ModelsAnswer;
    const ids = body.data.flatMap((entry) => (typeof entry?.id === 'string' ? [entry.id] : []));
    return { kind: 'listed', ids } satisfies ModelsAnswer;
  } catch {
    return { kind: 'inconclusive' } satisfies ModelsAnswer;
  }
}

function splitFix(explained: string): { problem: string; fix: string | null } {
  const at = explained.indexOf('; fix: ');
  return at < 0
    ? { problem: explained, fix: null }
    : { problem: explained.slice(0, at), fix: explained.slice(at + '; fix: '.length) };
}

/** One tiny chat request, no retries: for servers without a usable `GET /models`. */
async function probeChat(role: string, settings: ModelSettings, options: RolePreflightOptions) {
  const model = createChatModelFromSettings(settings, { env: options.env, role, fetch: options.fetch });
  const client = createModelClient(model, { maxRetries: 0, timeoutMs: options.timeoutMs ?? 15_000 });
  try {
    const outcome = await client.generate({
      messages: [{ role: 'user', content: 'Reply with the single word: ready' }],
      maxTokens: 1,
      signal: options.signal,
    });
    // Any answer, even a cut-off or refused one, shows the endpoint works; only transport failures stop the run.
    if (outcome.ok || outcome.kind !== 'transport-failure') return null;
    return splitFix(await explainFailure(outcome, settings, options));
  } finally {
    await client.close?.();
  }
}

/** Checks one role's endpoint; never throws for a failing endpoint (the failure is in `problem`). */
export async function preflightRole(
  role: string,
  settings: ModelSettings,
  options: RolePreflightOptions,
): Promise<RolePreflightResult> {
  if (settings.provider === 'gguf') {
    // A local file: its existence is checked when the client is made; there is no endpoint to reach.
    return { role, modelId: `gguf:${settings.path}`, url: settings.path, problem: null, fix: null, warning: null };
  }
  const url = settings.baseUrl;
  const result: RolePreflightResult = {
    role,
    modelId: `openai-compatible:${settings.model}`,
    url,
    problem: null,
    fix: null,
    warning: null,
  };
  const key = settings.apiKeyEnv ? options.env[settings.apiKeyEnv] : undefined;
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  let answer = await askForModels(url, headers, options);
  // A kept-alive socket the server closed meanwhile resets once; a second try tells a dead server from that.
  if (answer.kind === 'unreachable' && !options.signal?.aborted) answer = await askForModels(url, headers, options);
  if (answer.kind === 'unreachable') {
    result.problem = answer.message;
    result.fix = `is the server running at ${url}? Start it, or correct models.${role}.baseUrl`;
  } else if (answer.kind === 'unauthorised') {
    result.problem = `HTTP ${answer.status} from ${url}: the server rejected the API key`;
    result.fix = settings.apiKeyEnv
      ? `set the environment variable ${settings.apiKeyEnv} (models.${role}.apiKeyEnv) to a valid key`
      : `this server wants an API key: add apiKeyEnv to models.${role} and set that environment variable`;
  } else if (answer.kind === 'listed') {
    if (answer.ids.length > 0 && !answer.ids.includes(settings.model)) {
      result.warning = `the server at ${url} does not list model "${settings.model}" (it lists: ${answer.ids.slice(0, 8).join(', ')}${answer.ids.length > 8 ? ', …' : ''})`;
    }
  } else {
    const failed = await probeChat(role, settings, options);
    if (failed) {
      result.problem = failed.problem;
      result.fix = failed.fix ?? `check that ${url} is an OpenAI-compatible endpoint (baseUrl ending in /v1)`;
    }
  }
  if (result.problem) result.problem = redactSecrets(result.problem, key ? [key] : []);
  return result;
}

/** The error a failed preflight throws: role, model, URL, what went wrong, the fix. */
export function roleUnavailableError(result: RolePreflightResult): RoleUnavailableError {
  return new RoleUnavailableError(
    result.role,
    `role "${result.role}" (${result.modelId} at ${result.url}) cannot be used: ${result.problem}; nothing was sent to it`,
    {
      location: `models.${result.role}`,
      hint: `${result.fix ?? 'check the role settings'}; then check it with \`deliberate models check --role ${result.role}\``,
    },
  );
}

export interface RolePreflight {
  /** Checks each role once per preflight object (later calls for a role are free); throws on the first failure. */
  require(roles: readonly string[]): Promise<void>;
  /**
   * Starts the roles' checks now, without waiting or throwing, so a later `require` finds them done. A check started
   * here that fails is forgotten: `require` checks that endpoint again (it may be up by then).
   */
  prepare(roles: readonly string[]): void;
  /** Warnings of the roles checked so far. */
  warnings(): string[];
}

/** A memoised preflight over a config's roles; roles on one endpoint and model are checked once. */
export function createRolePreflight(
  models: Record<string, ModelSettings>,
  options: RolePreflightOptions & { onWarning?: (warning: string) => void },
): RolePreflight {
  const checks = new Map<string, Promise<RolePreflightResult>>();
  const warnings: string[] = [];
  const endpointOf = (settings: ModelSettings) =>
    settings.provider === 'gguf'
      ? `gguf|${settings.path}`
      : `${settings.baseUrl}|${settings.model}|${settings.apiKeyEnv ?? ''}`;
  const checkOf = (role: string, settings: ModelSettings) => {
    const endpoint = endpointOf(settings);
    let check = checks.get(endpoint);
    if (!check) {
      check = preflightRole(role, settings, options).then((result) => {
        if (result.warning) {
          warnings.push(result.warning);
          options.onWarning?.(result.warning);
        }
        return result;
      });
      checks.set(endpoint, check);
    }
    return { endpoint, check };
  };
  return {
    async require(roles) {
      const results = await Promise.all(
        roles.map(async (role) => {
          const settings = models[role];
          if (!settings) return null;
          const result = await checkOf(role, settings).check;
          return { ...result, role, modelId: result.modelId };
        }),
      );
      const failed = results.find((result) => result?.problem);
      if (failed) throw roleUnavailableError(failed);
    },
    prepare(roles) {
      for (const role of roles) {
        const settings = models[role];
        if (!settings || checks.has(endpointOf(settings))) continue;
        const { endpoint, check } = checkOf(role, settings);
        const forget = () => {
          if (checks.get(endpoint) === check) checks.delete(endpoint);
        };
        check.then((result) => (result.problem ? forget() : undefined), forget);
      }
    },
    warnings: () => [...warnings],
  };
}
