/**
 * @module models/check-model
 * `deliberate models check`: one tiny request and one tiny json_schema request per role, reporting what came back
 * (reasoning field, JSON mode, latency) and, for each failure, the role, the URL and the fix.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { ReasoningSource } from '../records/completion.js';
import type { ModelSettings } from '../records/model-settings.js';
import { createModelClientFromSettings } from './create-model-client-from-settings.js';
import type { GenerateOutcome } from './outcome.js';
import { presetBehaviour } from './presets.js';

export interface ModelCheck {
  role: string;
  modelId: string;
  /** The base URL, or the GGUF path. */
  url: string;
  ok: boolean;
  latencyMs: number | null;
  reasoningSource: ReasoningSource | null;
  answerExcerpt: string | null;
  jsonMode: 'works' | 'failed' | 'not-checked';
  /** Failures: each names what went wrong and the fix. */
  problems: string[];
  /** Worth knowing, not failures (e.g. no reasoning from a judge). */
  warnings: string[];
}

export interface CheckModelOptions {
  role: string;
  env: Record<string, string | undefined>;
  resolvePath?: (relative: string) => string;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Token budget of the tiny requests (reasoning models think first). */
  maxTokens?: number;
}

const Ready = z.object({ ready: z.boolean() });

/** Roles whose work needs reasoning (the teacher) or structured output (judge, classifier). */
const needsReasoning = new Set(['teacher']);
const needsJson = new Set(['judge', 'classifier']);

async function listServerModels(baseUrl: string, fetchFunction: typeof fetch, headers: Record<string, string>) {
  try {
    const response = await fetchFunction(`${baseUrl.replace(/\/+$/, '')}/models`, { headers });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { data?: Array<{ id?: string }> };
    return (body.data ?? []).flatMap((entry) => (typeof entry.id === 'string' ? [entry.id] : []));
  } catch {
    return undefined;
  }
}

/** Checks one role; never throws for a failing endpoint (the failure is in `problems`). */
export async function checkModel(settings: ModelSettings, options: CheckModelOptions): Promise<ModelCheck> {
  const url = settings.provider === 'gguf' ? (options.resolvePath?.(settings.path) ?? settings.path) : settings.baseUrl;
  const check: ModelCheck = {
    role: options.role,
    modelId: settings.provider === 'gguf' ? `gguf:${settings.path}` : `openai-compatible:${settings.model}`,
    url,
    ok: false,
    latencyMs: null,
    reasoningSource: null,
    answerExcerpt: null,
    jsonMode: 'not-checked',
    problems: [],
    warnings: [],
  };
  const quick: ModelSettings = {
    ...settings,
    maxRetries: 0,
    timeoutMs: Math.min(settings.timeoutMs, 120_000),
    maxTokens: options.maxTokens ?? (settings.maxTokens ? Math.min(settings.maxTokens, 2048) : 1024),
  };
  let client: ReturnType<typeof createModelClientFromSettings>;
  try {
    client = createModelClientFromSettings(quick, {
      env: options.env,
      role: options.role,
      resolvePath: options.resolvePath,
      signal: options.signal,
      fetch: options.fetch,
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      check.problems.push(`${error.message}${error.hint ? `; fix: ${error.hint}` : ''}`);
      return check;
    }
    throw error;
  }
  try {
    const started = Date.now();
    const outcome = await client.generate({
      messages: [{ role: 'user', content: 'Reply with the single word: ready' }],
    });
    check.latencyMs = Date.now() - started;
    const result = outcome.ok ? outcome.result : outcome.result;
    if (result) {
      check.reasoningSource = result.reasoningSource;
      check.answerExcerpt = result.answer.slice(0, 80);
    }
    if (!outcome.ok) {
      check.problems.push(await explainFailure(outcome, settings, options));
      return check;
    }
    if (outcome.result.reasoning === null) {
      const message =
        "no reasoning returned: if this is a reasoning model, enable the server's reasoning parser (e.g. vLLM --reasoning-parser qwen3, SGLang --reasoning-parser qwen3, llama-server --reasoning-format deepseek) or set prefilledThink when the chat template opens <think>";
      if (needsReasoning.has(options.role)) check.problems.push(message);
      else check.warnings.push(message);
    }
    const object = await client.generateObject(
      { messages: [{ role: 'user', content: 'Are you ready? Answer as JSON: {"ready": true}' }] },
      Ready,
      'ready',
    );
    check.jsonMode = object.ok ? 'works' : 'failed';
    if (!object.ok) {
      const fix =
        object.kind === 'answer-in-reasoning'
          ? 'the server put the JSON in the reasoning field (vLLM with a reasoning parser and json_schema does this); set structuredOutput: prompt, or serve the model without the reasoning parser for this role'
          : 'check that the server supports json_schema, or set structuredOutput: prompt (harmony models: harmony: true)';
      const message = `JSON mode (${jsonModeName(settings)}) failed: ${object.message}; fix: ${fix}`;
      if (needsJson.has(options.role)) check.problems.push(message);
      else check.warnings.push(message);
    }
    check.ok = check.problems.length === 0;
    return check;
  } finally {
    await client.close?.();
  }
}

/** A failed tiny request → "what went wrong; fix: …" for the role (shared with the preflight of paid stages). */
export async function explainFailure(
  outcome: Extract<GenerateOutcome, { ok: false }>,
  settings: ModelSettings,
  options: Pick<CheckModelOptions, 'env' | 'fetch'>,
): Promise<string> {
  if (settings.provider === 'gguf') return `${outcome.message}`;
  const base = settings.baseUrl;
  const message = outcome.hint ? outcome.message.replace(` (${outcome.hint})`, '') : outcome.message;
  if (outcome.kind === 'transport-failure' && outcome.status === undefined) {
    if (/cannot reach|ECONNREFUSED|ENOTFOUND|fetch failed|EHOSTUNREACH/i.test(message)) {
      return `${message}; fix: is the server running at ${base}? (start it, or correct baseUrl)`;
    }
    return `${message}; fix: check that ${base} is an OpenAI-compatible endpoint and raise timeoutMs if the model is slow`;
  }
  if (outcome.status === 401 || outcome.status === 403) {
    const variable = settings.apiKeyEnv ?? '<name>';
    return `HTTP ${outcome.status} from ${base}: the server rejected the API key; fix: set the environment variable ${variable} (named by apiKeyEnv) to a valid key${settings.apiKeyEnv ? '' : ', after adding apiKeyEnv to the settings'}`;
  }
  if (outcome.status === 404) {
    const headers: Record<string, string> = {};
    const key = settings.apiKeyEnv ? options.env[settings.apiKeyEnv] : undefined;
    if (key) headers.authorization = `Bearer ${key}`;
    const ids = await listServerModels(base, options.fetch ?? fetch, headers);
    const list = ids && ids.length > 0 ? `the server serves: ${ids.join(', ')}` : `GET ${base}/models lists its ids`;
    return `HTTP 404 from ${base}: unknown model "${settings.model}" or wrong path; fix: set model to one the server serves (${list}), and make baseUrl end in /v1`;
  }
  if (outcome.kind === 'provider-refusal') return `the provider refused a harmless request: ${outcome.message}`;
  if (outcome.kind === 'no-answer') {
    return outcome.result?.finishReason === 'length'
      ? `${outcome.message}; fix: raise maxTokens (reasoning models spend tokens thinking first)`
      : `${outcome.message}; fix: check the server's chat template and stop tokens (the model ended at once), or try another model`;
  }
  if (outcome.kind === 'answer-in-reasoning') {
    return `${outcome.message}; fix: the reasoning parser swallowed the answer — check the server's --reasoning-parser matches the model`;
  }
  return outcome.message;
}

/** One line per role plus indented problems and warnings: what `models check` prints. */
export function formatModelChecks(checks: ModelCheck[]): string {
  const lines: string[] = [];
  for (const check of checks) {
    const status = check.ok ? 'ok' : 'FAILED';
    const details = [
      check.latencyMs === null ? null : `${check.latencyMs} ms`,
      check.reasoningSource === null
        ? null
        : `reasoning: ${check.reasoningSource === 'none' ? 'none returned' : check.reasoningSource}`,
      check.jsonMode === 'not-checked' ? null : `json_schema: ${check.jsonMode}`,
    ].filter((part) => part !== null);
    lines.push(
      `${check.role}: ${status}  ${check.modelId} at ${check.url}${details.length > 0 ? `  (${details.join(', ')})` : ''}`,
    );
    for (const problem of check.problems) lines.push(`  ✖ ${check.role} (${check.url}): ${problem}`);
    for (const warning of check.warnings) lines.push(`  ! ${warning}`);
  }
  const failed = checks.filter((check) => !check.ok).length;
  lines.push(failed === 0 ? `all ${checks.length} roles work` : `${failed} of ${checks.length} roles failed`);
  return `${lines.join('\n')}\n`;
}

/** How the role's JSON mode is requested, as the failure message names it (the preset and `harmony` decide). */
function jsonModeName(settings: ModelSettings): string {
  if (settings.provider === 'gguf') return 'grammar';
  const mode = settings.harmony
    ? 'prompt'
    : (settings.structuredOutput ?? presetBehaviour(settings.preset).structuredOutput);
  if (mode === 'json-object') return 'response_format json_object';
  if (mode === 'prompt') return 'JSON asked for in the prompt';
  return 'response_format json_schema';
}
