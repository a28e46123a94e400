/**
 * @module cli/commands/pipeline-clients
 * The model clients of `deliberate run` and its stages: one per role the pipeline uses (an eval-only role without
 * its API key must not stop a run), the request cache and call log in the out folder, a batch round's deferring
 * models when `--via batch` / `--batch-write` / `--batch-read` is given, the roles' preflight, and the teacher's
 * context window asked from its server when its settings give none.
 */
import path from 'node:path';
import type { LoadedConfig } from '../../io/load-config.js';
import { createRoleClients } from '../../models/create-model-client-from-settings.js';
import type { ModelClient } from '../../models/model-client.js';
import { createRolePreflight } from '../../models/preflight-roles.js';
import { type ContextWindow, resolveContextWindow } from '../../models/server-context-window.js';
import type { Config } from '../../records/config.js';
import type { CliContext } from '../cli-context.js';
import { type BatchCommandOptions, type BatchRound, batchModeOf, startBatchRound } from './pipeline-batch.js';

/** The roles `run` and its stages use. */
const pipelineRoles = ['teacher', 'judge', 'classifier'];

export interface PipelineClients {
  clients: Record<string, ModelClient>;
  /** Set for a batch round: nothing is sent, requests wait in batch files. */
  round: BatchRound | undefined;
  preflight: (roles: string[]) => Promise<void>;
  preparePreflight: (roles: string[]) => void;
  teacherWindow: ContextWindow;
  close(): Promise<void>;
}

/** Opens the pipeline roles' clients (`cache: false`: no request cache file at all). */
export async function openPipelineClients(
  loaded: LoadedConfig,
  config: Config,
  options: BatchCommandOptions & { cache?: boolean },
  context: CliContext,
): Promise<PipelineClients> {
  const { env, signal } = context;
  const pipelineModels = Object.fromEntries(
    Object.entries(config.models).filter(([role]) => pipelineRoles.includes(role)),
  );
  // --no-cache does not open the cache file at all (a damaged one cannot stop the run).
  const cacheFile = options.cache === false ? undefined : path.join(config.out, 'request-cache.sqlite');
  // A batch round: result files read into the cache first, then every request the cache cannot answer is deferred.
  const batchMode = batchModeOf(options, context, config.out);
  const round = batchMode
    ? await startBatchRound(batchMode, pipelineModels, { env, cacheFile: cacheFile!, resolvePath: loaded.resolve })
    : undefined;
  const clients = createRoleClients(round?.models ?? pipelineModels, {
    env,
    cacheFile,
    wrapModel: round?.wrapModel,
    callLogFile: path.join(config.out, 'calls.jsonl'),
    signal,
    resolvePath: loaded.resolve,
  });
  const onWarning = (warning: string) => context.stderr(`warning: ${warning}\n`);
  const preflight = createRolePreflight(pipelineModels, { env, signal, resolvePath: loaded.resolve, onWarning });
  // No contextWindow in the teacher's settings: ask its server once (failing to learn it is not an error).
  const teacherWindow = await resolveContextWindow(
    'teacher',
    config.models.teacher,
    { contextWindow: config.intake.defaultContextWindow, windowSource: 'intake.defaultContextWindow' },
    { env, signal, onWarning },
  );
  return {
    clients,
    round,
    // A batch round sends nothing, so there is no endpoint to check.
    preflight: round ? async () => {} : (roles) => preflight.require(roles),
    preparePreflight: round ? () => {} : (roles) => preflight.prepare(roles),
    teacherWindow,
    async close() {
      for (const client of Object.values(clients)) await client.close?.();
    },
  };
}
