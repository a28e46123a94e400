/**
 * @module pipeline/write-run-exports
 * The export step of a run, behind one function: selected examples → the SFT file, prepared prompts → the RL file,
 * both with the spec's texts as forbidden prompt content (the exporters fail if any is found).
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
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
import type { TokenCounter } from './token-stats.js';

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
  /** The spec hash of the exports already in the folder, when it differs: they are kept under history/<hash>/. */
  previousSpecHash?: string | null;
  /** Counts the length statistics of both files (default: Qwen3 on this thread). */
  tokenCounter?: TokenCounter;
}): { sft: ExportSummary; rl: ExportSummary } {
  const { settings } = options;
  if (options.previousSpecHash && options.previousSpecHash !== options.spec.hash) {
    keepPreviousExports(options.outDirectory, options.previousSpecHash, [
      path.resolve(options.outDirectory, settings.sft.file),
      path.resolve(options.outDirectory, settings.rl.file ?? defaultRlFile(settings.rl.format)),
      path.join(options.outDirectory, 'manifest.json'),
    ]);
  }
  const forbiddenTexts = specTexts(options.spec);
  const sft = exportSft(options.examples, {
    outFile: path.resolve(options.outDirectory, settings.sft.file),
    format: parseSftFormat(settings.sft.format, 'export.sft.format'),
    reasoningKey: settings.sft.reasoningKey,
    forbiddenTexts,
    chatTemplate: settings.sft.chatTemplate ? options.resolve(settings.sft.chatTemplate) : undefined,
    tokenCounter: options.tokenCounter,
  });
  const rl = exportRl(options.prompts, {
    outFile: path.resolve(options.outDirectory, settings.rl.file ?? defaultRlFile(settings.rl.format)),
    format: settings.rl.format,
    specHash: options.spec.hash,
    forbiddenTexts,
    tokenCounter: options.tokenCounter,
  });
  return { sft, rl };
}

/**
 * Copies the exports of the previous spec into `<out>/history/<hash 12>/` before they are overwritten: a spec edit
 * never loses the dataset made from the spec before it.
 */
export function keepPreviousExports(outDirectory: string, previousSpecHash: string, files: string[]): string {
  const folder = path.join(outDirectory, 'history', previousSpecHash.slice(0, 12));
  for (const file of files) {
    if (!existsSync(file)) continue;
    const target = path.join(folder, path.relative(outDirectory, file));
    if (existsSync(target)) continue;
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  return folder;
}
