import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { multiTurnExample, trainingExample } from '../../test/helpers/training-examples.js';
import { ConfigError } from '../errors.js';
import { checkRenderFile } from './check-render-file.js';
import { exportSft } from './export-sft.js';
import { parseSftFormat } from './sft-row.js';

const temporaryFolder = () => mkdtempSync(path.join(os.tmpdir(), 'deliberate-check-file-'));
const examples = [trainingExample(), multiTurnExample()];

describe('checkRenderFile', () => {
  it('infers the format of an exported file and passes it with the Qwen3 template', () => {
    const folder = temporaryFolder();
    for (const format of ['trl', 'think-inline'] as const) {
      const outFile = path.join(folder, `${format}.jsonl`);
      exportSft(examples, { outFile, format, tokenCounter: false });
      expect(checkRenderFile(outFile, {})).toMatchObject({ format, rowsChecked: 2, passed: true });
    }
  });

  it('names failing rows by the ids in the sidecar', () => {
    const outFile = path.join(temporaryFolder(), 'sft.jsonl');
    exportSft(examples, { outFile, format: 'gpt-oss', tokenCounter: false });
    expect(() => checkRenderFile(outFile, {})).toThrow(/row ex-1: reasoning-missing/);
  });

  it('says what is wrong with a file that is no SFT export', () => {
    const outFile = path.join(temporaryFolder(), 'other.jsonl');
    writeFileSync(outFile, '{"text":"hello"}\n');
    expect(() => checkRenderFile(outFile, {})).toThrow(/neither prompt\/completion nor messages/);
  });
});

describe('parseSftFormat', () => {
  it('accepts the four formats and lists them otherwise', () => {
    expect(parseSftFormat('think-inline')).toBe('think-inline');
    expect(() => parseSftFormat('sharegpt', 'deliberate.yaml: export.sft.format')).toThrow(ConfigError);
    expect(() => parseSftFormat('sharegpt')).toThrow(/trl, messages, think-inline, gpt-oss/);
  });
});
