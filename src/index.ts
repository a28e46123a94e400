/**
 * @module deliberate
 * The public library API: re-exports only. Nothing inside src/ imports this file.
 */

export * from './errors.js';
export {
  type Benchmark,
  type BenchmarkContext,
  type BenchmarkDataset,
  type BenchmarkDefinition,
  bindGrader,
  createEvalItem,
  datasetHash,
  defineBenchmark,
  type GraderBinding,
  type RoleClient,
} from './evals/benchmark.js';
export { builtinBenchmarks } from './evals/benchmarks/builtin-benchmarks.js';
export { type CalibrationOptions, type CalibrationReport, runCalibration } from './evals/calibrate.js';
export {
  type CalibrationFormat,
  type CalibrationRow,
  type CalibrationSplit,
  calibrationSplitOf,
  readCalibrationData,
  rowsOfSplit,
} from './evals/calibrate-data.js';
export { BenchmarkDeclaration, loadCustomBenchmark } from './evals/custom-benchmark.js';
export { bootstrapMeanInterval } from './evals/metrics/bootstrap.js';
export { goodnessMetric, promptGoodness, scoreMeanMetric, worstAllMetric } from './evals/metrics/jailbreak-metrics.js';
export {
  actionAccuracyMetric,
  judgeNotOverrefuseMetric,
  notUnsafeMetric,
  policyRetrievalMetric,
  styleAdherenceMetric,
} from './evals/metrics/judge-metrics.js';
export { definePromptMetric, type Metric, type MetricInput, type PromptScore } from './evals/metrics/metric.js';
export { harmfulRefusalRateMetric, notOverrefuseMetrics } from './evals/metrics/refusal-metrics.js';
export { type LoadedEvalLog, readEvalLog, readEvalLogs } from './evals/report/read-eval-logs.js';
export { type RenderReportOptions, renderReport } from './evals/report/render-report.js';
export {
  type EvalClients,
  type EvalProgress,
  type EvalRunOptions,
  type EvalSection,
  type EvalTarget,
  type RunEvalResult,
  runEval,
} from './evals/run-eval.js';
export {
  jailbreakTransformNames,
  jailbreakTransforms,
  selectTransforms,
} from './evals/transforms/jailbreak-transforms.js';
export { applyTransform, type Transform, type TransformContext } from './evals/transforms/transform.js';
export {
  calibrationJudgePromptOf,
  calibrationModelOf,
  type WriteCalibrationRecordOptions,
  writeCalibrationRecord,
} from './evals/write-calibration-record.js';
export {
  adversarialProbes,
  type JudgeProbe,
  type JudgeProbeReport,
  type JudgeProbeResult,
  runJudgeProbes,
} from './grading/adversarial-probes.js';
export {
  createGraderClient,
  type GraderClient,
  type GraderClientOptions,
  type GraderClientStats,
  GraderUnavailableError,
} from './grading/create-grader-client.js';
export { looksLikeRefusal } from './grading/detect-refusal.js';
export {
  failureOutcome,
  type Graded,
  type GradedFields,
  type GradeInput,
  type Grader,
  type GraderOutcome,
  type GradingContext,
  graded,
  requestOf,
  type Unavailable,
  type Unscored,
  unscored,
} from './grading/grader.js';
export {
  buildJudgeMessages,
  defaultJudgeMaxTokens,
  defaultJudgeRuns,
  JUDGE_PROMPT_VERSION,
  type JudgeAnswerOptions,
  type JudgeCompletionOptions,
  type JudgeOutputMode,
  type JudgeResult,
  judgeAnswer,
  judgeCompletion,
} from './grading/judge-completion.js';
export { createJudgeGrader, type JudgeGraderOptions } from './grading/judge-grader.js';
export { defaultJudgeTemplate } from './grading/judge-prompt.js';
export { type JudgeTemplate, loadJudgeTemplate, parseJudgeTemplate } from './grading/judge-template.js';
export {
  type ClassifyRefusalOptions,
  classifyRefusal,
  createRefusalGrader,
  type RefusalClassification,
  type RefusalLabel,
} from './grading/refusal-grader.js';
export {
  createStringMatchGrader,
  jailbreakbenchRefusalStrings,
  type StringMatchOptions,
  xstestRefusalPrefixes,
} from './grading/string-match-grader.js';
export {
  createStrongRejectGrader,
  parseStrongRejectRatings,
  strongRejectScore,
} from './grading/strongreject-grader.js';
export { type Verdict, VerdictSchema } from './grading/verdict-schema.js';
export { createXstestGrader, XstestClass } from './grading/xstest-grader.js';
export {
  bundledQwen3TokenizerConfig,
  type ChatTemplate,
  loadChatTemplate,
  type TokenizerConfig,
} from './io/chat-template.js';
export { countTokens, tokenizerName } from './io/count-tokens.js';
export { loadConfig, parseConfig } from './io/load-config.js';
export { preferSmallHeap, smallHeapFlags } from './io/prefer-small-heap.js';
export {
  BatchRequestLine,
  BatchResultLine,
  batchCustomId,
  readBatchResults,
  writeBatchFile,
} from './models/batch-file.js';
export type { ChatModel, GenerateRequest, GenerateResult } from './models/chat-model.js';
export { type CheckModelOptions, checkModel, formatModelChecks, type ModelCheck } from './models/check-model.js';
export {
  createChatModelFromSettings,
  createModelClientFromSettings,
  createRoleClients,
  type ModelClientFromSettingsOptions,
} from './models/create-model-client-from-settings.js';
export { estimateCost } from './models/estimate-cost.js';
export {
  createModelClient,
  type GenerateOptions,
  generate,
  generateObject,
  type RetryEvent,
} from './models/generate.js';
export { createGgufModel } from './models/gguf-model.js';
export { ModelCallError } from './models/model-call-error.js';
export type { ModelClient, ModelClientStats } from './models/model-client.js';
export { createOpenAICompatibleModel, type OpenAICompatibleModel } from './models/openai-compatible-model.js';
export type { FailureKind, GenerateFailure, GenerateOutcome, GenerateSuccess } from './models/outcome.js';
export { type PullGgufOptions, type PullGgufResult, pullGguf } from './models/pull-gguf.js';
export { normaliseReasoning, parseHarmony } from './models/reasoning.js';
export { openRequestCache, type RequestCache, requestCacheKey } from './models/request-cache.js';
export { categorisePrompts, classifierMessages } from './pipeline/categorise-prompts.js';
export { checkRenderFile, inferSftFormat } from './pipeline/check-render-file.js';
export { type ContrastPromptsOptions, type ContrastResult, contrastPrompts } from './pipeline/contrast-prompts.js';
export { decontaminatePrompts, type EvalSet, readEvalSet } from './pipeline/decontaminate-prompts.js';
export { type DedupOptions, dedupPrompts, type RemovedPrompt } from './pipeline/dedup-prompts.js';
export { type ExportRlOptions, exportRl, type RlFormat, type RlLabel, rlFormats } from './pipeline/export-rl.js';
export { type ExportSftOptions, exportSft, type SftMetaRow, sftMetaFile } from './pipeline/export-sft.js';
export type { ExportSummary } from './pipeline/export-summary.js';
export { formatRunSummary } from './pipeline/format-run-summary.js';
export { type GenerationTemplate, loadGenerationTemplate } from './pipeline/generation-template.js';
export { type PipelineSections, pipelineSections } from './pipeline/pipeline-sections.js';
export { type IntakeReport, preparePrompts } from './pipeline/prepare-prompts.js';
export { promptFromRecord, readPrompts } from './pipeline/read-prompts.js';
export {
  checkRender,
  RenderCheckError,
  type RenderCheckSummary,
  type RenderedRow,
  type RenderFailure,
  type RenderProblem,
} from './pipeline/render-check.js';
export type { RunEventKind, RunEvents } from './pipeline/run-events.js';
export type { RunManifest } from './pipeline/run-manifest.js';
export {
  type PipelineResult,
  type PipelineStage,
  pipelineStages,
  type RunPipelineOptions,
  type RunSummary,
  runPipeline,
} from './pipeline/run-pipeline.js';
export { type Selection, selectSamples } from './pipeline/select-samples.js';
export { parseSftFormat, type SftFormat, type SftRow, sftFormats } from './pipeline/sft-row.js';
export { computeTokenStatistics, type TokenCounter, type TokenStatistics } from './pipeline/token-stats.js';
export { findSpecLeakage, type ValidationCode, validateCompletion } from './pipeline/validate-completion.js';
export * from './records/action.js';
export * from './records/calibration-record.js';
export * from './records/completion.js';
export * from './records/config.js';
// evals: benchmarks, transforms, graders, metrics, eval logs (docs/evals.md)
export * from './records/eval-log.js';
export * from './records/eval-settings.js';
export * from './records/grade.js';
export * from './records/judgement.js';
export * from './records/message.js';
export * from './records/model-settings.js';
export * from './records/pipeline-settings.js';
export * from './records/prompt.js';
export * from './records/rule-verdict.js';
export * from './records/sample.js';
export * from './records/spec.js';
export * from './records/training-example.js';
export * from './records/usage.js';
export { type CategoryTokens, uncoveredHazards } from './spec/check-spec.js';
export { exportSafeguardPolicy, type SafeguardPolicy } from './spec/export-safeguard-policy.js';
export { hazardCodes, hazardNames } from './spec/hazards.js';
export { checkSpec, loadSpec, type SpecCheckOptions, type SpecCheckResult } from './spec/load-spec.js';
export { type RenderSelection, renderCategoryFullText, renderSpec } from './spec/render-spec.js';
export { formatSpecDiagnostic } from './spec/spec-diagnostics.js';
export { specTexts } from './spec/spec-text-guard.js';
