/**
 * @module models/gguf-model
 * The `gguf` backend: an embedded local model through node-llama-cpp (an optional peer dependency, imported lazily,
 * only when used; missing, it is a ConfigError saying how to add it).
 * Reasoning arrives as node-llama-cpp "thought" segments or inline `<think>` text and is normalised like the rest;
 * structured output is grammar-constrained from the zod schema's JSON Schema, then validated by `generate()`.
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import type { FinishReason } from '../records/completion.js';
import type { ChatModel, GenerateRequest, GenerateResult } from './chat-model.js';
import { loadNodeLlamaCpp, type NodeLlamaCpp } from './load-node-llama-cpp.js';
import { ModelCallError } from './model-call-error.js';
import { normaliseReasoning } from './reasoning.js';
import { jsonInstruction, jsonSchemaOf } from './structured-output.js';

export interface GgufModelOptions {
  /** Absolute or working-directory-relative path to the .gguf file. */
  path: string;
  /** CPU threads for the context (1 in tests on small machines). */
  threads?: number;
  /** ≥ 1024 (smaller contexts fail to compress chat history). */
  contextSize?: number;
  gpu?: boolean;
  prefilledThink?: boolean;
  /** How node-llama-cpp is imported (tests pass one that fails); default: the installed package, lazily. */
  importNodeLlamaCpp?: () => Promise<NodeLlamaCpp>;
}

type Loaded = {
  module: NodeLlamaCpp;
  llama: Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;
  model: Awaited<ReturnType<Awaited<ReturnType<NodeLlamaCpp['getLlama']>>['loadModel']>>;
  context: Awaited<
    ReturnType<Awaited<ReturnType<Awaited<ReturnType<NodeLlamaCpp['getLlama']>>['loadModel']>>['createContext']>
  >;
};

function finishReasonOf(stopReason: string): FinishReason {
  if (stopReason === 'maxTokens') return 'length';
  if (stopReason === 'eogToken' || stopReason === 'stopGenerationTrigger' || stopReason === 'customStopTrigger') {
    return 'stop';
  }
  return 'unknown';
}

/** Creates the gguf backend; the model loads on the first request. */
export function createGgufModel(options: GgufModelOptions): ChatModel {
  let loading: Promise<Loaded> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const name = options.path.split(/[\\/]/).at(-1) ?? options.path;

  async function load(): Promise<Loaded> {
    if (!existsSync(options.path)) {
      throw new ConfigError(`GGUF file not found: ${options.path}`, {
        hint: 'check `path` in the model settings, or download one with `deliberate models pull <repo> <file>`',
      });
    }
    const module = await loadNodeLlamaCpp(options.importNodeLlamaCpp);
    const llama = await module.getLlama({
      gpu: options.gpu ? 'auto' : false,
      build: 'never',
      logLevel: module.LlamaLogLevel.error,
    });
    const model = await llama.loadModel({ modelPath: options.path });
    const context = await model.createContext({
      contextSize: options.contextSize ?? 4096,
      sequences: 1,
      ...(options.threads ? { threads: options.threads } : {}),
    });
    return { module, llama, model, context };
  }

  async function run(request: GenerateRequest): Promise<GenerateResult> {
    loading ??= load();
    const { module, llama, context } = await loading;
    const started = Date.now();
    const system = request.messages.filter((message) => message.role === 'system' || message.role === 'developer');
    const turns = request.messages.filter((message) => message.role !== 'system' && message.role !== 'developer');
    const last = turns.at(-1);
    if (last?.role !== 'user') {
      throw new ModelCallError('the gguf backend needs a conversation ending on a user turn', { failure: 'http' });
    }
    const sequence = context.getSequence();
    const session = new module.LlamaChatSession({
      contextSequence: sequence,
      systemPrompt: system.map((message) => message.content).join('\n\n') || undefined,
    });
    try {
      const history = session.getChatHistory();
      for (const message of turns.slice(0, -1)) {
        if (message.role === 'assistant') history.push({ type: 'model', response: [message.content] });
        else history.push({ type: 'user', text: message.content });
      }
      session.setChatHistory(history);
      const warnings: string[] = [];
      let prompt = last.content;
      let grammar: Awaited<ReturnType<typeof llama.createGrammarForJsonSchema>> | undefined;
      if (request.responseSchema) {
        try {
          grammar = await llama.createGrammarForJsonSchema(
            jsonSchemaOf(request.responseSchema.schema) as Parameters<typeof llama.createGrammarForJsonSchema>[0],
          );
        } catch (error) {
          // A schema feature the grammar cannot express: ask in the prompt; generate() still validates.
          warnings.push(
            `no grammar for schema "${request.responseSchema.name}" (${(error as Error).message}); JSON asked for in the prompt`,
          );
          prompt = `${prompt}\n\n${jsonInstruction(request.responseSchema.schema)}`;
        }
      }
      const inputBefore = sequence.tokenMeter.usedInputTokens;
      const outputBefore = sequence.tokenMeter.usedOutputTokens;
      const reply = await session.promptWithMeta(prompt, {
        maxTokens: request.maxTokens,
        temperature: request.temperature,
        topP: request.topP,
        seed: request.seed,
        grammar,
        signal: request.signal,
      });
      const thoughts: string[] = [];
      const texts: string[] = [];
      for (const part of reply.response) {
        if (typeof part === 'string') texts.push(part);
        else if (part.type === 'segment' && part.segmentType === 'thought') thoughts.push(part.text);
      }
      const normalised = normaliseReasoning(
        { content: texts.join(''), reasoning: thoughts.length > 0 ? thoughts.join('') : null },
        { prefilledThink: options.prefilledThink },
      );
      return {
        reasoning: normalised.reasoning,
        answer: normalised.answer,
        reasoningSource: thoughts.length > 0 ? 'gguf' : normalised.reasoningSource,
        finishReason: finishReasonOf(reply.stopReason),
        usage: {
          promptTokens: sequence.tokenMeter.usedInputTokens - inputBefore,
          completionTokens: sequence.tokenMeter.usedOutputTokens - outputBefore,
          reasoningTokens: 0,
          cachedTokens: 0,
        },
        latencyMs: Date.now() - started,
        warnings: [...warnings, ...normalised.warnings],
        raw: { responseText: reply.responseText, stopReason: reply.stopReason },
      };
    } catch (error) {
      if (request.signal?.aborted) {
        const reason: unknown = request.signal.reason;
        throw reason instanceof ModelCallError ? reason : new ModelCallError('cancelled', { failure: 'cancelled' });
      }
      throw error;
    } finally {
      session.dispose({ disposeSequence: true });
    }
  }

  return {
    id: `gguf:${name}`,
    // prefilledThink changes how the output is split, so a result parsed without it must not answer a request with it.
    cacheIdentity: `gguf|${options.path}${options.prefilledThink ? '|prefilledThink' : ''}`,
    doGenerate(request) {
      // One sequence: requests run one at a time, in order.
      const next = queue.then(() => run(request));
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      if (!loading) return;
      const loaded = await loading.catch(() => undefined);
      loading = undefined;
      if (!loaded) return;
      await loaded.context.dispose();
      await loaded.model.dispose();
      await loaded.llama.dispose();
    },
  };
}
