/**
 * @module cli/config-schema
 * config.schema.json: the JSON Schema of deliberate.yaml, generated from the `Config` record (its input form, so
 * fields with defaults are optional), for editor checks (`# yaml-language-server: $schema=…`).
 */
import { z } from 'zod';
import { Config } from '../records/config.js';

/** The text of config.schema.json, as `npm run schema` writes it. */
export function configSchemaText(): string {
  const schema = z.toJSONSchema(Config, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'deliberate.yaml' }, null, 2)}\n`;
}
