import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchemaText } from './config-schema.js';

const schemaFile = path.resolve(import.meta.dirname, '../../config.schema.json');

describe('config.schema.json', () => {
  it('matches the Config record (run npm run schema when this fails)', () => {
    let written = '';
    try {
      written = readFileSync(schemaFile, 'utf8');
    } catch {
      expect.fail('config.schema.json is missing: run npm run schema');
    }
    expect(written, 'config.schema.json is stale: run npm run schema').toBe(configSchemaText());
  });

  it('describes deliberate.yaml: spec is required, out has a default so it is optional', () => {
    const schema = JSON.parse(configSchemaText()) as { required: string[]; properties: Record<string, unknown> };
    expect(schema.required).toContain('spec');
    expect(schema.required).not.toContain('out');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['spec', 'models']));
  });
});
