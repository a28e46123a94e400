/**
 * @module models/server-context-window
 * A role's context window when its settings give none: asked once of the server, cheaply (no tokens, a short
 * timeout). vLLM and SGLang list it in `GET /v1/models` (`data[].max_model_len` of the served model id); a llama.cpp
 * server in `GET /props` (`default_generation_settings.n_ctx`, the window of one slot); Ollama in `POST /api/show`
 * (`parameters` num_ctx when the model sets one, which is what Ollama runs with, else `model_info`
 * `<general.architecture>.context_length`, the model's own maximum). Not learning it is not an error: the caller
 * falls back to its default and says which source it used.
 */
import type { ModelSettings } from '../records/model-settings.js';

export interface ContextWindow {
  contextWindow: number;
  /** Where the number came from, for messages: `models.teacher.contextWindow`, `server GET …/models max_model_len` … */
  windowSource: string;
}

export interface ServerContextWindowOptions {
  /** Environment values passed down by the CLI (the API key variable). */
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** How long each question may wait (default 3 s). */
  timeoutMs?: number;
  /** Worth saying, not a failure (an Ollama model without num_ctx may run with a shorter default window). */
  onWarning?: (warning: string) => void;
}

type Ask = (url: string, init?: { method: 'POST'; body: unknown }) => Promise<unknown>;

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/** A JSON answer, or null for anything else (unreachable, slow, not OK, not JSON): each is "the server did not say". */
function createAsk(headers: Record<string, string>, options: ServerContextWindowOptions): Ask {
  const fetchFunction = options.fetch ?? fetch;
  return async (url, init) => {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 3000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const response = await fetchFunction(url, {
        headers: init ? { ...headers, 'content-type': 'application/json' } : headers,
        signal,
        ...(init ? { method: 'POST', body: JSON.stringify(init.body) } : {}),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return null;
      }
      return (await response.json()) as unknown;
    } catch {
      return null;
    }
  };
}

/** vLLM / SGLang: the served model's `max_model_len`; also whether the listing says it is a llama.cpp server. */
async function fromModelList(ask: Ask, base: string, model: string) {
  const body = (await ask(`${base}/models`)) as { data?: Array<Record<string, unknown>> } | null;
  const entries = Array.isArray(body?.data) ? body.data : [];
  const entry = entries.find((candidate) => candidate?.id === model) ?? (entries.length === 1 ? entries[0] : undefined);
  const window = positive(entry?.max_model_len);
  return {
    found: window === null ? null : { contextWindow: window, windowSource: `server GET ${base}/models max_model_len` },
    llamaCpp: entry?.owned_by === 'llamacpp',
  };
}

/** llama.cpp server: the context of one slot (what a request may use). */
async function fromProps(ask: Ask, root: string): Promise<ContextWindow | null> {
  const body = (await ask(`${root}/props`)) as { default_generation_settings?: { n_ctx?: unknown } } | null;
  const window = positive(body?.default_generation_settings?.n_ctx);
  return window === null
    ? null
    : { contextWindow: window, windowSource: `server GET ${root}/props default_generation_settings.n_ctx` };
}

/** Ollama: num_ctx of the model's parameters, else the model's own context length (with a warning). */
async function fromOllamaShow(ask: Ask, root: string, model: string, options: ServerContextWindowOptions) {
  const body = (await ask(`${root}/api/show`, { method: 'POST', body: { model, name: model } })) as {
    parameters?: unknown;
    model_info?: Record<string, unknown>;
  } | null;
  if (!body || typeof body !== 'object') return null;
  const numCtx = typeof body.parameters === 'string' ? /^num_ctx\s+(\d+)\s*$/m.exec(body.parameters) : null;
  if (numCtx && positive(Number(numCtx[1]))) {
    return { contextWindow: Number(numCtx[1]), windowSource: `server POST ${root}/api/show parameters num_ctx` };
  }
  const architecture = body.model_info?.['general.architecture'];
  const key = `${typeof architecture === 'string' ? architecture : ''}.context_length`;
  const window = positive(body.model_info?.[key]);
  if (window === null) return null;
  options.onWarning?.(
    `Ollama model "${model}" sets no num_ctx: Ollama may run it with a shorter default window (OLLAMA_CONTEXT_LENGTH) than its ${window} tokens and cut longer prompts; set num_ctx in its Modelfile or contextWindow on the role`,
  );
  return { contextWindow: window, windowSource: `server POST ${root}/api/show model_info ${key}` };
}

/** What the server says the model's window is, or null when it does not say (or cannot be reached in time). */
export async function askServerContextWindow(
  settings: Extract<ModelSettings, { provider: 'openai-compatible' }>,
  options: ServerContextWindowOptions,
): Promise<ContextWindow | null> {
  const key = settings.apiKeyEnv ? options.env[settings.apiKeyEnv] : undefined;
  const ask = createAsk(key ? { authorization: `Bearer ${key}` } : {}, options);
  const base = settings.baseUrl.replace(/\/+$/, '');
  const root = base.replace(/\/v1$/, '');
  const listed = await fromModelList(ask, base, settings.model);
  if (listed.found) return listed.found;
  const props = await fromProps(ask, root);
  if (props || listed.llamaCpp) return props;
  return fromOllamaShow(ask, root, settings.model, options);
}

/**
 * A role's context window: its settings' `contextWindow`, else a GGUF model's `contextSize`, else what its server
 * says, else `fallback` (whose source then says the server was asked and did not tell).
 */
export async function resolveContextWindow(
  role: string,
  settings: ModelSettings | undefined,
  fallback: ContextWindow,
  options: ServerContextWindowOptions,
): Promise<ContextWindow> {
  if (!settings) return fallback;
  if (settings.contextWindow !== undefined) {
    return { contextWindow: settings.contextWindow, windowSource: `models.${role}.contextWindow` };
  }
  if (settings.provider === 'gguf') {
    return { contextWindow: settings.contextSize, windowSource: `models.${role}.contextSize` };
  }
  const asked = await askServerContextWindow(settings, options);
  return (
    asked ?? {
      contextWindow: fallback.contextWindow,
      windowSource: `${fallback.windowSource}; the server at ${settings.baseUrl} did not say its window`,
    }
  );
}
