/**
 * @module cli/guard-from-config
 * The guard's roles and settings from deliberate.yaml and the command line: the upstream role (required), the
 * classifier (`guard.classifier`, else a `classifier` role when configured), the policy checker for moderate/both
 * (`guard.moderator`, else `judge`, else `classifier`), clients without a request cache (a guard answers live),
 * the token from the environment. Used by `guard serve` and by `eval --targets guard:<role>`.
 */
import { ConfigError } from '../errors.js';
import type { LoadedConfig } from '../io/load-config.js';
import { createRoleClients } from '../models/create-model-client-from-settings.js';
import type { ModelClient } from '../models/model-client.js';
import { type GuardModeName, GuardSettings } from '../records/guard-settings.js';
import type { GuardOptions } from '../servers/guard/create-guard-app.js';
import { guardModes } from '../servers/guard/guard-modes.js';
import { loadSpec } from '../spec/load-spec.js';
import { unknownRoleError } from './unknown-role-error.js';

export const defaultGuardTokenEnv = 'DELIBERATE_GUARD_TOKEN';

export interface GuardFromConfigInput {
  loaded: LoadedConfig;
  env: Record<string, string | undefined>;
  upstream?: string;
  mode?: string;
  dryRun?: boolean;
  /** Where the upstream role was named, for errors (`--upstream`, `--targets`). */
  upstreamSetting?: string;
}

export interface GuardFromConfig {
  options: GuardOptions;
  /** Every client made, to close when the guard stops. */
  clients: ModelClient[];
}

function roleOrDefault(
  loaded: LoadedConfig,
  setting: string,
  named: string | undefined,
  defaults: readonly string[],
): string | undefined {
  const roles = Object.keys(loaded.config.models);
  if (named !== undefined) {
    if (!roles.includes(named)) throw unknownRoleError({ role: named, roles, setting, file: loaded.file });
    return named;
  }
  return defaults.find((role) => roles.includes(role));
}

function parseMode(mode: string | undefined, fallback: GuardModeName): GuardModeName {
  if (mode === undefined) return fallback;
  if (!(mode in guardModes)) {
    throw new ConfigError(`--mode "${mode}" is not a guard mode`, {
      hint: `use one of: ${Object.keys(guardModes).join(', ')}`,
    });
  }
  return mode as GuardModeName;
}

export async function guardFromConfig(input: GuardFromConfigInput): Promise<GuardFromConfig> {
  const { loaded } = input;
  const parsed = GuardSettings.safeParse(loaded.config.guard ?? {});
  if (!parsed.success) throw new ConfigError(`guard: ${parsed.error.issues[0]!.message}`, { location: loaded.file });
  const settings = parsed.data;
  const mode = parseMode(input.mode, settings.mode);
  const upstreamName = input.upstream ?? settings.upstream;
  if (!upstreamName) {
    throw new ConfigError('the guard needs an upstream role', {
      hint: 'pass --upstream <role> (a role under models) or set guard.upstream in deliberate.yaml',
    });
  }
  const upstream = roleOrDefault(loaded, input.upstreamSetting ?? '--upstream', upstreamName, [])!;
  const classifier = roleOrDefault(loaded, 'guard.classifier', settings.classifier, ['classifier']);
  const moderator = guardModes[mode].policyChecks
    ? roleOrDefault(loaded, 'guard.moderator', settings.moderator, ['judge', 'classifier'])
    : undefined;
  if (guardModes[mode].policyChecks && moderator === undefined) {
    throw new ConfigError(`guard mode ${mode} needs a role for its policy checks, and there is none`, {
      location: loaded.file,
      hint: 'add a judge (or classifier) role under models, or set guard.moderator',
    });
  }
  const used = [...new Set([upstream, classifier, moderator].filter((role) => role !== undefined))];
  const models = loaded.config.models;
  const clients = createRoleClients(Object.fromEntries(used.map((role) => [role, models[role]!])), {
    env: input.env,
    abortInFlight: true,
    resolvePath: loaded.resolve,
  });
  const role = (name: string | undefined) =>
    name === undefined ? null : { role: name, client: clients[name]!, prefilledThink: models[name]!.prefilledThink };
  const spec = await loadSpec(loaded.resolve(loaded.config.spec));
  return {
    options: {
      spec,
      settings,
      mode,
      upstream: role(upstream)!,
      classifier: role(classifier),
      moderator: role(moderator),
      dryRun: input.dryRun ?? false,
      auditFile: loaded.resolve(settings.audit.file),
    },
    clients: Object.values(clients),
  };
}

/** The token from the environment variable `name`; an empty value counts as unset. */
export function guardToken(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
