/**
 * @module models/plain-completion-body
 * The check of a `chat.completion` body that every reply goes through, written out by hand: the same rules as the
 * zod schema in models/openai-completion-body (which still parses, and explains, every body this does not accept),
 * without building zod's copy of the body on every call.
 */

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const nullishString = (value: unknown) => value === undefined || value === null || typeof value === 'string';
const nullishNumber = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'number' && Number.isFinite(value));

const messageFields = ['content', 'reasoning', 'reasoning_content', 'thinking', 'refusal'] as const;

function isUsage(usage: unknown): boolean {
  if (usage === undefined || usage === null) return true;
  if (!isObject(usage) || !nullishNumber(usage.prompt_tokens) || !nullishNumber(usage.completion_tokens)) return false;
  const prompt = usage.prompt_tokens_details;
  const completion = usage.completion_tokens_details;
  return (
    (prompt === undefined || prompt === null || (isObject(prompt) && nullishNumber(prompt.cached_tokens))) &&
    (completion === undefined ||
      completion === null ||
      (isObject(completion) && nullishNumber(completion.reasoning_tokens)))
  );
}

function isChoice(choice: unknown): boolean {
  if (!isObject(choice) || !nullishString(choice.finish_reason)) return false;
  const { message } = choice;
  return isObject(message) && messageFields.every((field) => nullishString(message[field]));
}

/**
 * The body itself when it surely matches the completion schema (choices: at least one, each with a message of
 * string-or-null fields and a string-or-null finish reason; usage absent or of finite numbers); otherwise undefined,
 * and the caller asks the schema.
 */
export function plainCompletionBody(body: unknown): { choices: Loose[]; usage?: unknown } | undefined {
  if (!isObject(body) || !Array.isArray(body.choices) || body.choices.length === 0) return undefined;
  if (!body.choices.every(isChoice) || !isUsage(body.usage)) return undefined;
  return body as { choices: Loose[]; usage?: unknown };
}
