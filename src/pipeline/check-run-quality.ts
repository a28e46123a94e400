/**
 * @module pipeline/check-run-quality
 * Joins a run's accepted examples with their judge records and checks the data-quality gates on them.
 */
import type { QualitySettings } from '../records/pipeline-settings.js';
import type { Spec } from '../records/spec.js';
import type { TrainingExample } from '../records/training-example.js';
import type { JudgeResult } from './judge-samples.js';
import { checkQualityGates, type QualityReport } from './quality-gates.js';
import { measureQuality, type QualitySample } from './quality-measures.js';

export interface CheckRunQualityOptions {
  examples: TrainingExample[];
  judged: ReadonlyMap<string, JudgeResult>;
  spec: Spec;
  settings: QualitySettings;
  /** --accept-quality-warnings. */
  accepted: boolean;
}

/** The quality report of the accepted examples (the gates, and the measures they read). */
export function checkRunQuality(options: CheckRunQualityOptions): QualityReport {
  const samples: QualitySample[] = options.examples.map((example) => {
    const judge = options.judged.get(example.completionId);
    return {
      answer: example.answer,
      reasoning: example.reasoning,
      categories: example.categories,
      idealAction: example.metadata.idealAction,
      labelSource: example.metadata.labelSource,
      judgeAction: judge?.action ?? null,
      judgeAgreeWithHint: judge?.agreeWithHint ?? null,
    };
  });
  return checkQualityGates(measureQuality(samples, options.spec), options.settings, options.accepted);
}
