/**
 * @module models/call-log
 * What one ModelClient counts and logs about its calls: the stats every outcome goes into (none is silent), and the
 * optional call log, one JSON line per call (time, model, outcome, attempts, latency, usage, cost, cached; messages
 * and answers only when asked; never keys). Lines are written in batches: at most 100 ms or 64 lines after the call,
 * and at `close()`.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { ModelPrice } from '../records/model-settings.js';
import { addUsage, emptyUsage, type Usage } from '../records/usage.js';
import type { GenerateRequest } from './chat-model.js';
import { estimateCost } from './estimate-cost.js';
import type { ModelClientStats } from './model-client.js';
import type { GenerateOutcome } from './outcome.js';

export interface CallLogOptions {
  modelId: string;
  callLogFile?: string;
  logMessages?: boolean;
  price?: ModelPrice;
}

export interface CallLog {
  readonly stats: ModelClientStats;
  /** Counts one finished call and logs it; `usage` is what this call's fresh requests used. */
  record(request: GenerateRequest, outcome: GenerateOutcome<unknown>, latencyMs: number, usage: Usage): void;
  /** Writes the lines not yet written and closes the file. */
  close(): void;
}

export function emptyStats(): ModelClientStats {
  return {
    calls: 0,
    requests: 0,
    cacheHits: 0,
    retries: 0,
    outcomes: {
      success: 0,
      'provider-refusal': 0,
      'no-answer': 0,
      'answer-in-reasoning': 0,
      'schema-failure': 0,
      'transport-failure': 0,
      cancelled: 0,
    },
    usage: { ...emptyUsage },
    cost: null,
  };
}

function logLine(
  options: CallLogOptions,
  call: { request: GenerateRequest; outcome: GenerateOutcome<unknown>; latencyMs: number; usage: Usage },
): Record<string, unknown> {
  const { request, outcome, usage } = call;
  const entry: Record<string, unknown> = {
    time: new Date().toISOString(),
    modelId: options.modelId,
    outcome: outcome.ok ? 'success' : outcome.kind,
    attempts: outcome.attempts,
    latencyMs: call.latencyMs,
    usage,
    cached: outcome.cached,
    sampleIndex: request.sampleIndex ?? 0,
  };
  if (!outcome.ok) {
    entry.message = outcome.message;
    if (outcome.status !== undefined) entry.status = outcome.status;
  }
  if (options.price) entry.cost = estimateCost(usage, options.price);
  if (options.logMessages) {
    entry.messages = request.messages;
    if (outcome.result) entry.answer = { reasoning: outcome.result.reasoning, answer: outcome.result.answer };
  }
  return entry;
}

/** Appends lines to `file` (created with its folder on the first line), in batches. */
function batchedAppender(file: string, { delayMs = 100, maxLines = 64 } = {}) {
  let descriptor: number | undefined;
  let lines: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (lines.length === 0) return;
    if (descriptor === undefined) {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      descriptor = openSync(file, 'a');
    }
    const text = lines.join('');
    lines = [];
    writeSync(descriptor, text);
  };
  return {
    append(row: Record<string, unknown>) {
      lines.push(`${JSON.stringify(row)}\n`);
      if (lines.length >= maxLines) flush();
      else if (!timer) timer = setTimeout(flush, delayMs).unref();
    },
    close() {
      flush();
      if (descriptor !== undefined) closeSync(descriptor);
      descriptor = undefined;
    },
  };
}

export function createCallLog(options: CallLogOptions): CallLog {
  const stats = emptyStats();
  const appender = options.callLogFile ? batchedAppender(options.callLogFile) : undefined;
  return {
    stats,
    record(request, outcome, latencyMs, usage) {
      stats.calls += 1;
      stats.outcomes[outcome.ok ? 'success' : outcome.kind] += 1;
      stats.usage = addUsage(stats.usage, usage);
      if (options.price) stats.cost = estimateCost(stats.usage, options.price);
      appender?.append(logLine(options, { request, outcome, latencyMs, usage }));
    },
    close: () => appender?.close(),
  };
}
