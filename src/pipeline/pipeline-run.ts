/**
 * @module pipeline/pipeline-run
 * The state one pipeline run shares between its stages: how far it goes (`until`, which a waiting batch round moves
 * back), the out folder, the event counts, every stage's seconds, each role's client behind its call ledger, the
 * signal the streak breaker aborts, and the role failures that make the command exit non-zero.
 */
import { CancelledError, type RoleUnavailableError } from '../errors.js';
import type { ModelClient } from '../models/model-client.js';
import { checkRoleFailures, type RoleCallLedger, watchRoleCalls } from '../models/role-call-ledger.js';
import type { PipelineSections } from './pipeline-sections.js';
import { createRunEvents, type RunEvents } from './run-events.js';
import type { RunPipelineOptions } from './run-pipeline.js';

export const pipelineStages = ['generate', 'judge', 'select', 'export'] as const;
export type PipelineStage = (typeof pipelineStages)[number];

export type RoleClients = Record<string, ModelClient | undefined>;

export interface PipelineRun {
  config: PipelineSections;
  options: RunPipelineOptions;
  /** The clients as given (the manifest names their models). */
  givenClients: RoleClients;
  /** Each role's client behind its ledger: what the stages call. */
  clients: RoleClients;
  ledgers: Map<string, () => RoleCallLedger>;
  /** The last stage this run does. */
  until: PipelineStage;
  reach(stage: PipelineStage): boolean;
  outDirectory: string;
  startedAt: Date;
  stageSeconds: Record<string, number>;
  events: RunEvents;
  /** Aborted by Ctrl-C or by a role's failure streak. */
  stageSignal: AbortSignal;
  /** Role failures over the allowance: the outputs are written, then the command exits non-zero. */
  problems: RoleUnavailableError[];
  /** Runs one stage and records its seconds. */
  timed<T>(stage: string, work: () => Promise<T> | T): Promise<T>;
  /** After a stage: a tripped streak or Ctrl-C stops the run; a role whose calls failed too often is a problem. */
  checkRole(role: string, plannedCalls?: number): void;
  /** The stage's preflight of its role, awaited before its first request. */
  preflight(role: string): () => Promise<void>;
  /** Starts a later stage's preflight now (not awaited; that stage still awaits it). */
  preparePreflight(role: string): void;
  concurrencyOf(role: string): number;
}

/** The run's shared state, before any file is read. */
export function startPipelineRun(
  config: PipelineSections,
  givenClients: RoleClients,
  options: RunPipelineOptions,
): PipelineRun {
  // The streak breaker aborts the stages' signal; the error it stopped with is thrown after the stage returns.
  const breaker = new AbortController();
  let stopped: RoleUnavailableError | undefined;
  const watched = watchRoles(config, givenClients, (error) => {
    stopped ??= error;
    breaker.abort(error);
  });
  const allowFailures = options.allowFailures ?? config.failures.allowFailures;
  const stageSeconds: Record<string, number> = {};
  const run: PipelineRun = {
    config,
    options,
    givenClients,
    ...watched,
    until: options.until ?? 'export',
    reach: (stage) => pipelineStages.indexOf(stage) <= pipelineStages.indexOf(run.until),
    outDirectory: options.resolve(config.out),
    startedAt: new Date(),
    stageSeconds,
    events: createRunEvents(),
    stageSignal: options.signal ? AbortSignal.any([options.signal, breaker.signal]) : breaker.signal,
    problems: [],
    timed: (stage, work) => timeStage(stageSeconds, stage, work),
    checkRole(role, plannedCalls) {
      if (stopped) throw stopped;
      if (options.signal?.aborted) throw new CancelledError();
      const ledger = watched.ledgers.get(role)?.();
      if (!ledger) return;
      // Every call failed, or more than allowed: the outputs are still written (later stages have little or nothing
      // to do), then the command exits non-zero with the summary's first line saying why.
      const problem = checkRoleFailures(ledger, role === 'classifier' ? 1 : allowFailures, plannedCalls);
      if (problem) run.problems.push(problem);
    },
    preflight: (role) => async () => {
      await options.preflight?.([role]);
    },
    preparePreflight: (role) => options.preparePreflight?.([role]),
    concurrencyOf: (role) => config.models[role]?.concurrency ?? 8,
  };
  return run;
}

async function timeStage<T>(seconds: Record<string, number>, stage: string, work: () => Promise<T> | T): Promise<T> {
  const start = Date.now();
  try {
    return await work();
  } finally {
    seconds[stage] = Math.round((Date.now() - start) / 100) / 10;
  }
}

/** Each role's client wrapped in a ledger: counted calls, and a streak breaker that stops the run. */
function watchRoles(config: PipelineSections, given: RoleClients, stop: (error: RoleUnavailableError) => void) {
  const ledgers = new Map<string, () => RoleCallLedger>();
  const clients: RoleClients = {};
  for (const [role, client] of Object.entries(given)) {
    if (!client) continue;
    const settings = config.models[role];
    const url = settings ? (settings.provider === 'gguf' ? settings.path : settings.baseUrl) : '(unknown)';
    const watched = watchRoleCalls(client, { role, url, streakLimit: config.failures.streakLimit, onStreak: stop });
    ledgers.set(role, watched.ledger);
    clients[role] = watched.client;
  }
  return { clients, ledgers };
}
