/**
 * @module models/structured-output
 * Structured output helpers shared by the backends and generate(): the JSON Schema sent for a zod schema, the
 * instruction used when JSON is asked for in the prompt, and the strict parse of an answer (never repaired or guessed).
 */
import { z } from 'zod';

/** zod 4's JSON Schema export of `schema`, converted once per schema (about 0.2 ms each, and every judge call asks). */
export function toJsonSchemaOnce(schema: z.ZodType): Record<string, unknown> {
  let converted = jsonSchemas.get(schema);
  if (!converted) {
    converted = z.toJSONSchema(schema) as Record<string, unknown>;
    jsonSchemas.set(schema, converted);
  }
  return converted;
}

const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

/** The JSON Schema sent in response_format: zod 4's own export, without the `$schema` key. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = toJsonSchemaOnce(schema);
  return rest;
}

/** The instruction appended when JSON is asked for in the prompt (harmony models, json-object mode, gguf fallback). */
export function jsonInstruction(schema: z.ZodType): string {
  return `Reply with only one JSON object (no code fence, no other text) that matches this JSON Schema:\n${JSON.stringify(jsonSchemaOf(schema))}`;
}

/** Parses a JSON answer (a surrounding code fence is allowed) and validates it; never repairs or guesses. */
export function parseJsonAnswer<S extends z.ZodType>(
  answer: string,
  schema: S,
): { ok: true; value: z.infer<S> } | { ok: false; error: string } {
  const text = answer
    .trim()
    .replace(/^```(?:json)?\s*\n?/i, '')
    .replace(/\n?```$/, '')
    .trim();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON (${(error as Error).message})` };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, error: issues.join('; ') };
}
