/**
 * @module cli/unknown-role-error
 * A role name set explicitly (in the config or on the command line) that is not under `models`: a ConfigError naming
 * the setting, the unknown role, the configured roles and the closest one (a typo like `judgee` gets `judge`).
 */
import { ConfigError } from '../errors.js';
import { editDistance } from '../io/edit-distance.js';

/** The candidate nearest to `name`, when it is near enough to be a likely typo; else undefined. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

export interface UnknownRoleErrorOptions {
  /** The role name as written. */
  role: string;
  /** The roles under `models`. */
  roles: readonly string[];
  /** Where it was set: a config path (`eval.judge`) or a command-line option (`--targets`). */
  setting: string;
  /** The config file, for the error location of a config setting. */
  file?: string;
}

/** The ConfigError for an explicitly named role that is not configured. */
export function unknownRoleError(options: UnknownRoleErrorOptions): ConfigError {
  const { role, roles, setting } = options;
  const configured = roles.length > 0 ? roles.join(', ') : '(none)';
  const closest = closestName(role, roles);
  const fromConfig = !setting.startsWith('--');
  return new ConfigError(
    `${setting} names the role "${role}", which is not under models (configured roles: ${configured})`,
    {
      location: fromConfig ? (options.file ? `${options.file}: ${setting}` : setting) : undefined,
      hint: `${closest ? `did you mean "${closest}"? ` : ''}${fromConfig ? `set ${setting} to` : 'use'} one of: ${configured}, or add models.${role} to the config`,
    },
  );
}
