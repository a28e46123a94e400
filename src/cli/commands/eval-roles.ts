/**
 * @module cli/commands/eval-roles
 * The roles an eval calls: its target arms (`--targets` or `eval.targets`, each checked against `models`) and the
 * grader and judge roles (`eval.grader` / `eval.judge`, else the role of that name when configured).
 */
import { ConfigError } from '../../errors.js';
import { type ParsedArm, parseArm } from '../../evals/parse-arm.js';
import type { LoadedConfig } from '../../io/load-config.js';
import type { EvalSettings } from '../../records/eval-settings.js';
import { closestName, unknownRoleError } from '../unknown-role-error.js';

export interface EvalRoles {
  targets: ParsedArm[];
  grader?: string;
  judge?: string;
}

/** The arms and grading roles; an unknown role is an error naming the closest one. */
export function evalRoles(loaded: LoadedConfig, settings: EvalSettings, targetFlag?: string[]): EvalRoles {
  const roles = Object.keys(loaded.config.models);
  const targetNames = targetFlag ?? settings.targets;
  if (!targetNames || targetNames.length === 0) {
    throw new ConfigError('no targets to evaluate', {
      hint: 'pass --targets <role>[,<role>+spec…] or set eval.targets',
    });
  }
  const targets = targetNames.map((name) => parseTarget(name, roles, settings.arms));
  // A role named in eval.grader / eval.judge must exist (a typo is an error, not "no judge configured");
  // unset, the role of that name is used when configured.
  for (const [setting, role] of [
    ['eval.grader', settings.grader],
    ['eval.judge', settings.judge],
  ] as const) {
    if (role !== undefined && !roles.includes(role))
      throw unknownRoleError({ role, roles, setting, file: loaded.file });
  }
  return {
    targets,
    grader: settings.grader ?? (roles.includes('grader') ? 'grader' : undefined),
    judge: settings.judge ?? (roles.includes('judge') ? 'judge' : undefined),
  };
}

/**
 * `base+spec` → role base with the spec in context; `guard:base` → role base behind the guard;
 * `trained@effort=low:label=x` → a compute arm with a label; a name under `eval.arms` → that declared arm.
 */
export function parseTarget(
  name: string,
  roles: readonly string[],
  declaredArms: EvalSettings['arms'] = {},
): ParsedArm {
  const declared = declaredArms[name];
  if (declared) {
    if (roles.includes(name)) {
      throw new ConfigError(`eval.arms.${name} has the name of a role under models`, {
        location: 'eval.arms',
        hint: 'give the declared arm a name that is not a role, e.g. base-low',
      });
    }
    const { role, spec, ttd, label, ...requestOptions } = declared;
    checkRole(name, role, roles, `eval.arms.${name}.role`);
    if (spec && ttd !== undefined) {
      throw new ConfigError(`eval.arms.${name} sets both spec and ttd`, {
        location: `eval.arms.${name}`,
        hint: 'ttd already drafts with the spec in context: keep one of them',
      });
    }
    const deliberation = ttd === undefined ? {} : { deliberation: { passes: ttd } };
    return { name, role, specInContext: spec, guarded: false, requestOptions, label: label ?? null, ...deliberation };
  }
  const parsed = parseArm(name);
  checkRole(name, parsed.role, roles, 'models');
  return parsed;
}

function checkRole(name: string, role: string, roles: readonly string[], location: string): void {
  if (roles.includes(role)) return;
  const closest = closestName(role, roles);
  throw new ConfigError(`target "${name}": there is no role "${role}" under models`, {
    location,
    hint: `${closest ? `did you mean "${closest}"? ` : ''}add it to deliberate.yaml or use one of: ${roles.join(', ')}`,
  });
}
