/**
 * @module evals/write-calibration-record
 * Stores a calibration: the figures `runCalibration` computed, bound to the grader's identity and to the sha256 of
 * the labelled data, as one CalibrationRecord JSON file written atomically. No API key ever reaches it: models are
 * named by role, id, provider and a base URL stripped of credentials and query string.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defaultJudgeTemplate, judgePromptVersion } from '../grading/judge-prompt.js';
import type { JudgeTemplate } from '../grading/judge-template.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import {
  type CalibrationJudgePrompt,
  type CalibrationModel,
  type CalibrationProbes,
  CalibrationRecord,
} from '../records/calibration-record.js';
import type { ModelSettings } from '../records/model-settings.js';
import type { Spec } from '../records/spec.js';
import type { CalibrationReport } from './calibrate.js';

export interface WriteCalibrationRecordOptions {
  /** Where to write the record (parent folders are created). */
  file: string;
  report: CalibrationReport;
  grader: {
    /** The `--grader` value as given, e.g. `refusal`, `xstest`, `role:guard`. */
    name: string;
    model: CalibrationModel | null;
    judgePrompt: CalibrationJudgePrompt | null;
    spec: Pick<Spec, 'id' | 'version' | 'hash'> | null;
  };
  /** The labelled file as read (its bytes are hashed here) and the row limit, if any. */
  data: { file: string; limit: number | null; split?: 'all' | 'tuning' | 'untouched' };
  probes?: CalibrationProbes;
  deliberateVersion: string;
  /** The record's time (default now). */
  now?: Date;
}

/** Builds, validates and atomically writes one calibration record; returns what was written. */
export function writeCalibrationRecord(options: WriteCalibrationRecordOptions): CalibrationRecord {
  const { report } = options;
  const { grader: _graderId, format: _format, n: _n, ...figures } = report;
  const spec = options.grader.spec;
  const record = CalibrationRecord.parse({
    schemaVersion: 1,
    kind: 'deliberate-calibration',
    createdAt: (options.now ?? new Date()).toISOString(),
    deliberateVersion: options.deliberateVersion,
    grader: {
      id: report.grader,
      name: options.grader.name,
      model: options.grader.model,
      judgePrompt: options.grader.judgePrompt,
      spec: spec ? { id: spec.id, version: spec.version, hash: spec.hash } : null,
    },
    data: {
      file: options.data.file,
      sha256: createHash('sha256').update(readFileSync(options.data.file)).digest('hex'),
      format: report.format,
      n: report.n,
      limit: options.data.limit,
      split: options.data.split ?? 'all',
    },
    figures,
    probes: options.probes ?? null,
  } satisfies CalibrationRecord);
  writeFileAtomic(options.file, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** How a record names a model: role, client id, provider, and base URL without credentials (or the gguf file). */
export function calibrationModelOf(options: {
  role: string;
  modelId: string;
  settings: ModelSettings;
  /** Resolves a gguf path the way the config does (default: as written). */
  resolvePath?: (file: string) => string;
}): CalibrationModel {
  const { settings } = options;
  if (settings.provider === 'gguf')
    return {
      role: options.role,
      modelId: options.modelId,
      provider: 'gguf',
      baseUrl: null,
      modelPath: options.resolvePath ? options.resolvePath(settings.path) : settings.path,
    };
  return {
    role: options.role,
    modelId: options.modelId,
    provider: 'openai-compatible',
    baseUrl: withoutCredentials(settings.baseUrl),
    modelPath: null,
  };
}

/** The judge prompt a record names: its version (as Judgements record it) and its template hash. */
export function calibrationJudgePromptOf(template: JudgeTemplate = defaultJudgeTemplate): CalibrationJudgePrompt {
  return { version: judgePromptVersion(template), templateHash: template.hash };
}

/** A URL without user, password, query string or fragment: some endpoints take a key there. */
function withoutCredentials(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString();
  } catch {
    return '(unparseable base URL)';
  }
}
