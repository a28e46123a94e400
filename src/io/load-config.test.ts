import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadConfig, parseConfig } from './load-config.js';

const minimal = [
  'spec: ./spec',
  'prompts: ./prompts.jsonl',
  'out: ./runs/first',
  'models:',
  '  teacher: { provider: openai-compatible, baseUrl: http://127.0.0.1:8000/v1, model: m }',
  '',
].join('\n');

function thrown(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('validates the file and resolves paths against its folder', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'load-config-'));
    const file = path.join(folder, 'deliberate.yaml');
    writeFileSync(file, minimal);
    const loaded = loadConfig(file);
    expect(loaded.file).toBe(file);
    expect(loaded.config.spec).toBe('./spec');
    expect(loaded.resolve(loaded.config.spec)).toBe(path.join(folder, 'spec'));
  });

  it('a missing file is a ConfigError with the fix', () => {
    const error = thrown(() => loadConfig(path.join(tmpdir(), 'no-such-folder-xyz', 'deliberate.yaml')));
    expect(error.message).toMatch(/^cannot read config file .*deliberate\.yaml: ENOENT/);
    expect(error.hint).toMatch(/deliberate init/);
  });

  it('a schema problem names the path in the config and its line', () => {
    const text = minimal.replace('model: m }', 'model: 7 }');
    const error = thrown(() => parseConfig(text, '/p/deliberate.yaml'));
    expect(error.message).toMatch(/→ at models\.teacher\.model \(\/p\/deliberate\.yaml:5\)/);
  });

  it('a YAML syntax error names file:line:col', () => {
    const error = thrown(() => parseConfig('spec: [./spec\n', '/p/deliberate.yaml'));
    expect(error.message).toMatch(/^invalid YAML: /);
    expect(error.location).toMatch(/^\/p\/deliberate\.yaml:\d+:\d+$/);
  });
});
