/**
 * @module evals/parse-arm
 * An arm as written on the command line: `[guard:]role[+spec|+ttd][@key=value…][:label=text]`, e.g. `trained@effort=low`,
 * `base+spec@thinking=off@max_tokens=2048:label=spec, no thinking`, `base+ttd@passes=2`. `@` options set what the
 * target is sent (compute arms, the paper's Figure 13); `+ttd` is test-time deliberation (draft, check against
 * spec(category), revise; `@passes=<n>` check rounds, default 1); `:label=` only names the arm in the report. Pure:
 * no config, no roles.
 */
import { ConfigError } from '../errors.js';
import type { ArmRequestOptions } from '../records/eval-log.js';

export interface ParsedArm {
  /** As written (the arm's key in the log and journal). */
  name: string;
  role: string;
  specInContext: boolean;
  /** `guard:<role>`: the role behind the in-process guard. */
  guarded: boolean;
  requestOptions: ArmRequestOptions;
  label: string | null;
  /** `+ttd`: test-time deliberation with this many check rounds at most (grading/deliberate-at-test-time.ts). */
  deliberation?: { passes: number };
}

const efforts = ['minimal', 'low', 'medium', 'high'] as const;
const optionHint =
  'write @effort=low|medium|high, @thinking=on|off, @max_tokens=<n> (or @budget=<n>), @kwarg.<name>=<value>, @passes=<n> (+ttd only)';

/** `true`/`false`/`on`/`off` → boolean, a number → number, anything else stays text. */
function templateValue(text: string): string | number | boolean {
  if (/^(true|on|yes)$/i.test(text)) return true;
  if (/^(false|off|no)$/i.test(text)) return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

function applyOption(options: ArmRequestOptions, key: string, value: string, arm: string): ArmRequestOptions {
  const bad = (why: string) => new ConfigError(`target "${arm}": ${why}`, { hint: optionHint });
  if (key === 'effort' || key === 'reasoning_effort') {
    if (!(efforts as readonly string[]).includes(value)) throw bad(`effort "${value}" is not ${efforts.join('|')}`);
    return { ...options, reasoningEffort: value as ArmRequestOptions['reasoningEffort'] };
  }
  if (key === 'thinking') {
    const enabled = templateValue(value);
    if (typeof enabled !== 'boolean') throw bad(`thinking "${value}" is not on or off`);
    return { ...options, chatTemplateKwargs: { ...options.chatTemplateKwargs, enable_thinking: enabled } };
  }
  if (key === 'max_tokens' || key === 'budget') {
    const tokens = Number(value);
    if (!Number.isInteger(tokens) || tokens < 1) throw bad(`${key} "${value}" is not a positive whole number`);
    return { ...options, maxTokens: tokens };
  }
  if (key.startsWith('kwarg.') && key.length > 'kwarg.'.length) {
    return { ...options, chatTemplateKwargs: { ...options.chatTemplateKwargs, [key.slice(6)]: templateValue(value) } };
  }
  throw bad(`unknown option "@${key}"`);
}

/** Parses one arm; throws a ConfigError that says what is wrong and how to write it. */
export function parseArm(name: string): ParsedArm {
  const labelAt = name.indexOf(':label=');
  const label = labelAt === -1 ? null : name.slice(labelAt + ':label='.length).trim();
  const head = labelAt === -1 ? name : name.slice(0, labelAt);
  const [base = '', ...optionParts] = head.split('@');
  const match = /^(guard:)?([a-z][a-z0-9_-]*)(\+spec|\+ttd)?$/.exec(base);
  if (!match || label === '') {
    throw new ConfigError(`target "${name}" is not [guard:]role[+spec|+ttd][@option=value…][:label=text]`, {
      hint: 'e.g. --targets base,base+spec,base+ttd@passes=2,guard:base,trained@effort=low,trained@effort=high:label=trained (high effort)',
    });
  }
  if (match[1] && match[3]) {
    throw new ConfigError(`target "${name}": guard:<role> cannot take ${match[3]}`, {
      hint: `the guard adds the spec itself: no guard:<role>${match[3]}, write guard:<role> (guard.mode: revise deliberates)`,
    });
  }
  const ttd = match[3] === '+ttd';
  let requestOptions: ArmRequestOptions = {};
  let passes = 1;
  const seen = new Set<string>();
  for (const part of optionParts) {
    const equals = part.indexOf('=');
    if (equals < 1) throw new ConfigError(`target "${name}": option "@${part}" is not key=value`, { hint: optionHint });
    const key = part.slice(0, equals).trim();
    if (seen.has(key)) throw new ConfigError(`target "${name}": option "@${key}" is given twice`, { hint: 'keep one' });
    seen.add(key);
    const value = part.slice(equals + 1).trim();
    if (key === 'passes') passes = parsePasses(value, name, ttd);
    else requestOptions = applyOption(requestOptions, key, value, name);
  }
  return {
    name,
    role: match[2]!,
    specInContext: match[3] === '+spec',
    guarded: match[1] !== undefined,
    requestOptions,
    label,
    ...(ttd ? { deliberation: { passes } } : {}),
  };
}

/** `@passes=<n>`: check rounds of a `+ttd` arm, a whole number ≥ 1. */
function parsePasses(value: string, arm: string, ttd: boolean): number {
  if (!ttd) {
    throw new ConfigError(`target "${arm}": @passes is an option of a +ttd arm`, {
      hint: 'write <role>+ttd@passes=<n>, or drop @passes',
    });
  }
  const passes = Number(value);
  if (!Number.isInteger(passes) || passes < 1) {
    throw new ConfigError(`target "${arm}": passes "${value}" is not a whole number of at least 1`, {
      hint: 'e.g. base+ttd@passes=2 (default 1)',
    });
  }
  return passes;
}

/** The request fields an arm adds: `reasoning_effort` and `chat_template_kwargs` in the body, `maxTokens`. */
export function armRequestFields(options: ArmRequestOptions): {
  extraBody?: Record<string, unknown>;
  maxTokens?: number;
} {
  const extraBody: Record<string, unknown> = {};
  if (options.reasoningEffort) extraBody.reasoning_effort = options.reasoningEffort;
  if (options.chatTemplateKwargs && Object.keys(options.chatTemplateKwargs).length > 0)
    extraBody.chat_template_kwargs = options.chatTemplateKwargs;
  return {
    ...(Object.keys(extraBody).length > 0 ? { extraBody } : {}),
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
  };
}
