/**
 * @module pipeline/write-run-exports
 * The export step of a run, behind one function: selected examples → the SFT file, prepared prompts → the RL file,
 * both with the spec's texts as forbidden prompt content (the exporters fail if any is found).
 */
import path from 'node:path';
import type { ExportSettings } from '../records/pipeline-settings.js';
import type { Prompt } from '../records/prompt.js';
import type { Spec } from '../records/spec.js';
import type { TrainingExample } from '../records/training-example.js';
import { specTexts } from '../spec/spec-text-guard.js';
import { exportRl } from './export-rl.js';
import { exportSft } from './export-sft.js';
import type { ExportSummary } from './export-summary.js';
import { parseSftFormat } from './sft-row.js';

export { specTexts } from '../spec/spec-text-guard.js';

/** The RL file name when the config gives none: verl reads Parquet, the others JSONL. */
export function defaultRlFile(format: ExportSettings['rl']['format']): string {
  return format === 'verl' ? 'rl.parquet' : 'rl.jsonl';
}

/** Writes the SFT and RL files of a run into its out folder; returns both summaries. */
export function writeRunExports(options: {
  examples: TrainingExample[];
  prompts: Prompt[];
  spec: Spec;
  settings: ExportSettings;
  outDirectory: string;
  resolve: (relative: string) => string;
}): { sft: ExportSummary; rl: ExportSummary } {
  const { settings } = options;
  const forbiddenTexts = specTexts(options.spec);
  const sft = exportSft(options.examples, {
    outFile: path.resolve(options.outDirectory, settings.sft.file),
    format: parseSftFormat(settings.sft.format, 'export.sft.format'),
    reasoningKey: settings.sft.reasoningKey,
    forbiddenTexts,
    chatTemplate: settings.sft.chatTemplate ? options.resolve(settings.sft.chatTemplate) : undefined,
  });
  const rl = exportRl(options.prompts, {
    outFile: path.resolve(options.outDirectory, settings.rl.file ?? defaultRlFile(settings.rl.format)),
    format: settings.rl.format,
    specHash: options.spec.hash,
    forbiddenTexts,
  });
  return { sft, rl };
}
