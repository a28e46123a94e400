/**
 * @module cli/commands/eval-clients
 * The model clients of an eval: one per role it calls (request cache and call log in the out folder), the guard
 * targets started in-process, the roles' preflight, and one `close()` for all of them.
 */
import path from 'node:path';
import type { RoleClient } from '../../evals/benchmark.js';
import type { EvalClients, EvalTarget } from '../../evals/run-eval.js';
import { createRefusalGrader } from '../../grading/refusal-grader.js';
import type { LoadedConfig } from '../../io/load-config.js';
import { createRoleClients } from '../../models/create-model-client-from-settings.js';
import type { ModelClient } from '../../models/model-client.js';
import { createRolePreflight } from '../../models/preflight-roles.js';
import type { CliContext } from '../cli-context.js';
import { startGuardTargets } from '../guard-eval-targets.js';
import type { EvalRoles } from './eval-roles.js';

export interface OpenEvalClients {
  clients: EvalClients;
  preflight: (roles: string[]) => Promise<void>;
  /** The cost the roles' calls reported so far, null when none reports one. */
  cost(): number | null;
  close(): Promise<void>;
}

/** Opens the clients of the roles the eval uses (`cache: false`: no request cache file at all). */
export async function openEvalClients(
  loaded: LoadedConfig,
  roles: EvalRoles,
  run: { outDir: string; cache: boolean },
  context: CliContext,
): Promise<OpenEvalClients> {
  const used = new Set([...roles.targets.map((target) => target.role), roles.grader, roles.judge]);
  const models = Object.fromEntries(Object.entries(loaded.config.models).filter(([role]) => used.has(role)));
  const { env, signal } = context;
  const byRole = createRoleClients(models, {
    env,
    // --no-cache does not open the cache file at all (a damaged one cannot stop the eval).
    cacheFile: run.cache ? path.join(run.outDir, 'request-cache.sqlite') : undefined,
    callLogFile: path.join(run.outDir, 'calls.jsonl'),
    signal,
    resolvePath: loaded.resolve,
  });
  const closeRoles = async () => {
    for (const client of Object.values(byRole)) await client.close?.();
  };
  const preflight = createRolePreflight(models, {
    env,
    signal,
    resolvePath: loaded.resolve,
    onWarning: (warning) => context.stderr(`warning: ${warning}\n`),
  });
  const guardTargets = await startGuardTargets({
    loaded,
    env,
    targets: roles.targets.filter((target) => target.guarded),
    outDir: run.outDir,
  }).catch(async (error: unknown) => {
    await closeRoles();
    throw error;
  });
  return {
    clients: evalClientsOf(roles, byRole, guardTargets.targets),
    preflight: (names) => preflight.require(names),
    cost: () => totalCost(Object.values(byRole)),
    async close() {
      await guardTargets.close();
      await closeRoles();
    },
  };
}

/** The arms (a guarded one calls its guard) and the grading roles' clients. */
function evalClientsOf(
  roles: EvalRoles,
  byRole: Record<string, ModelClient>,
  guardTargets: readonly EvalTarget[],
): EvalClients {
  const guarded = new Map(guardTargets.map((target) => [target.name, target]));
  const roleClient = (role: string | undefined): RoleClient | null =>
    role === undefined ? null : { role, client: byRole[role]! };
  return {
    targets: roles.targets.map(
      ({ guarded: _guarded, ...target }) => guarded.get(target.name) ?? { ...target, client: byRole[target.role]! },
    ),
    grader: roleClient(roles.grader),
    judge: roleClient(roles.judge),
    offlineRefusalGrader: createRefusalGrader(),
  };
}

/** The summed cost the clients report, null when none reports one. */
function totalCost(clients: readonly ModelClient[]): number | null {
  const costs = clients.map((client) => client.stats?.().cost ?? null);
  return costs.some((value) => value !== null) ? costs.reduce<number>((sum, value) => sum + (value ?? 0), 0) : null;
}
