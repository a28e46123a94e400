/**
 * @module models/presets
 * Engine presets: what each serving engine calls its reasoning field on input, how it takes JSON mode, and the body
 * fields it needs. docs/models.md documents the same table for users.
 */
import type { BackendPreset, StructuredOutputMode } from '../records/model-settings.js';

export interface PresetBehaviour {
  /** The field assistant reasoning is sent back under in history; null strips reasoning from history. */
  historyReasoningField: 'reasoning' | 'reasoning_content' | 'thinking' | null;
  structuredOutput: StructuredOutputMode;
  /** Body fields every request carries (settings.extraBody and request.extraBody are merged over them). */
  extraBody: Record<string, unknown>;
  /** `max_tokens`, or `max_completion_tokens` for OpenAI's reasoning models. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
}

/** Used when no preset is named: portable choices that every engine accepts. */
export const defaultPresetBehaviour: PresetBehaviour = {
  historyReasoningField: null,
  structuredOutput: 'json-schema',
  extraBody: {},
  maxTokensField: 'max_tokens',
};

export const presetBehaviours: Record<BackendPreset, PresetBehaviour> = {
  // vLLM reads only `reasoning` on input and silently drops `reasoning_content` (vllm#38488).
  vllm: { ...defaultPresetBehaviour, historyReasoningField: 'reasoning' },
  sglang: {
    ...defaultPresetBehaviour,
    historyReasoningField: 'reasoning_content',
    extraBody: { separate_reasoning: true },
  },
  ollama: { ...defaultPresetBehaviour, historyReasoningField: 'reasoning' },
  // llama-server: `reasoning_format: deepseek` moves the think block into `reasoning_content`.
  'llama-cpp': {
    ...defaultPresetBehaviour,
    historyReasoningField: 'reasoning_content',
    extraBody: { reasoning_format: 'deepseek' },
  },
  openai: { ...defaultPresetBehaviour, maxTokensField: 'max_completion_tokens' },
  // DeepSeek rejects reasoning_content on input and supports only json_object.
  deepseek: { ...defaultPresetBehaviour, historyReasoningField: null, structuredOutput: 'json-object' },
  together: { ...defaultPresetBehaviour, historyReasoningField: null },
};

/** The behaviour of a preset (or the portable default). */
export function presetBehaviour(preset: BackendPreset | undefined): PresetBehaviour {
  return preset === undefined ? defaultPresetBehaviour : presetBehaviours[preset];
}
