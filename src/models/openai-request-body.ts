/**
 * @module models/openai-request-body
 * The JSON body of one `/v1/chat/completions` request (also what batch files carry): the preset's and the settings'
 * extra fields, structured output in the form the endpoint takes, the messages with reasoning in history where the
 * engine wants it, and the sampling parameters.
 */
import type { Message } from '../records/message.js';
import type { StructuredOutputMode } from '../records/model-settings.js';
import type { GenerateRequest } from './chat-model.js';
import type { PresetBehaviour } from './presets.js';
import { jsonInstruction, jsonSchemaOf } from './structured-output.js';

export interface RequestBodySettings {
  model: string;
  behaviour: PresetBehaviour;
  structuredOutput: StructuredOutputMode;
  extraBody?: Record<string, unknown>;
}

function wireMessages(messages: Message[], behaviour: PresetBehaviour): Array<Record<string, unknown>> {
  return messages.map((message) => {
    const wire: Record<string, unknown> = { role: message.role, content: message.content };
    if (message.name !== undefined) wire.name = message.name;
    if (message.role === 'assistant' && message.reasoning !== undefined && behaviour.historyReasoningField) {
      wire[behaviour.historyReasoningField] = message.reasoning;
    }
    return wire;
  });
}

/** The preset's, the settings' and the request's extra fields; chat_template_kwargs merge key by key. */
function extraFields(settings: RequestBodySettings, request: GenerateRequest): Record<string, unknown> {
  const layers = [settings.behaviour.extraBody, settings.extraBody, request.extraBody];
  const body: Record<string, unknown> = Object.assign({}, ...layers);
  // A request's enable_thinking keeps the preset's other kwargs.
  const templateKwargs = layers
    .map((extra) => extra?.chat_template_kwargs)
    .filter((value): value is Record<string, unknown> => typeof value === 'object' && value !== null);
  if (templateKwargs.length > 1) body.chat_template_kwargs = Object.assign({}, ...templateKwargs);
  return body;
}

/** Structured output: response_format json_schema, or json_object / none with the schema asked for in the prompt. */
function withStructuredOutput(
  body: Record<string, unknown>,
  messages: Message[],
  request: GenerateRequest,
  mode: StructuredOutputMode,
): Message[] {
  if (!request.responseSchema) return messages;
  if (mode === 'json-schema') {
    const { name, schema } = request.responseSchema;
    body.response_format = { type: 'json_schema', json_schema: { name, schema: jsonSchemaOf(schema), strict: true } };
    return messages;
  }
  if (mode === 'json-object') body.response_format = { type: 'json_object' };
  const instruction = jsonInstruction(request.responseSchema.schema);
  const last = messages.at(-1);
  return last?.role === 'user'
    ? [...messages.slice(0, -1), { ...last, content: `${last.content}\n\n${instruction}` }]
    : [...messages, { role: 'user', content: instruction }];
}

/** The request body, ready for JSON.stringify. */
export function buildOpenAIRequestBody(
  settings: RequestBodySettings,
  request: GenerateRequest,
  options: { stream?: boolean } = {},
): Record<string, unknown> {
  const body = extraFields(settings, request);
  const messages = withStructuredOutput(body, request.messages, request, settings.structuredOutput);
  body.model = settings.model;
  body.messages = wireMessages(messages, settings.behaviour);
  if (request.maxTokens !== undefined) body[settings.behaviour.maxTokensField] = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.seed !== undefined) body.seed = request.seed;
  if (options.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}
