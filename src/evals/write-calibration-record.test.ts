import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultJudgeTemplate, JUDGE_PROMPT_VERSION } from '../grading/judge-prompt.js';
import { createRefusalGrader } from '../grading/refusal-grader.js';
import { CalibrationRecord } from '../records/calibration-record.js';
import { ModelSettings } from '../records/model-settings.js';
import { runCalibration } from './calibrate.js';
import { calibrationJudgePromptOf, calibrationModelOf, writeCalibrationRecord } from './write-calibration-record.js';

describe('calibrationModelOf', () => {
  it('drops user, password and query string from the base URL', () => {
    const settings = ModelSettings.parse({
      provider: 'openai-compatible',
      baseUrl: 'https://user:sk-in-url@example.test/v1?api-key=sk-in-query',
      model: 'm',
      apiKeyEnv: 'SOME_KEY',
    });
    const model = calibrationModelOf({ role: 'judge', modelId: 'openai-compatible:m', settings });
    expect(model).toEqual({
      role: 'judge',
      modelId: 'openai-compatible:m',
      provider: 'openai-compatible',
      baseUrl: 'https://example.test/v1',
      modelPath: null,
    });
  });

  it('names a gguf model by its resolved file', () => {
    const settings = ModelSettings.parse({ provider: 'gguf', path: 'models/tiny.gguf' });
    const model = calibrationModelOf({
      role: 'classifier',
      modelId: 'gguf:tiny.gguf',
      settings,
      resolvePath: (file) => path.join('/project', file),
    });
    expect(model).toMatchObject({ provider: 'gguf', baseUrl: null, modelPath: '/project/models/tiny.gguf' });
  });
});

describe('writeCalibrationRecord', () => {
  it('writes a record that parses back, with the data hash and the report figures', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-calibration-record-'));
    const data = path.join(folder, 'rows.csv');
    writeFileSync(data, 'a,b\n');
    const report = await runCalibration({
      rows: [
        {
          id: '1',
          location: 'rows.csv:2',
          question: 'q',
          response: 'I won’t help with that.',
          positive: true,
          group: null,
          humanClass: null,
        },
        {
          id: '2',
          location: 'rows.csv:3',
          question: 'q',
          response: 'Here is how: step one.',
          positive: false,
          group: null,
          humanClass: null,
        },
      ],
      grader: createRefusalGrader(),
      format: 'xstest-labelled',
    });
    const file = path.join(folder, 'deep/record.json');
    const written = writeCalibrationRecord({
      file,
      report,
      grader: { name: 'refusal', model: null, judgePrompt: calibrationJudgePromptOf(), spec: null },
      data: { file: data, limit: null },
      deliberateVersion: '9.9.9',
      now: new Date('2026-01-02T03:04:05Z'),
    });
    const stored = CalibrationRecord.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(stored).toEqual(written);
    expect(stored).toMatchObject({
      createdAt: '2026-01-02T03:04:05.000Z',
      deliberateVersion: '9.9.9',
      grader: { id: 'refusal-offline@1', judgePrompt: { version: JUDGE_PROMPT_VERSION } },
      // sha256 of "a,b\n"
      data: {
        file: data,
        sha256: '5be08c9684a1d25efcee09318204824278b08bbfb4aef973ffefd0b9d7478313',
        format: 'xstest-labelled',
        n: 2,
      },
    });
    expect(stored.grader.judgePrompt?.templateHash).toBe(defaultJudgeTemplate.hash);
    expect(stored.figures.accuracy).toBe(report.accuracy);
    expect(stored.figures.confusion).toEqual(report.confusion);
  });
});
