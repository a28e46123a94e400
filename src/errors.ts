/**
 * @module errors
 * The error classes of deliberate. Every error says what failed, where, and how to fix it (`hint`).
 * Only `cli/main.ts` prints them and turns them into an exit code.
 */

const marker = Symbol.for('deliberate.error');

export interface DeliberateErrorOptions {
  /** How to fix it, in one sentence. */
  hint?: string;
  /** Where: `file:line:col`, a record id, a config path. */
  location?: string;
  cause?: unknown;
}

export class DeliberateError extends Error {
  readonly [marker] = true;
  readonly hint: string | undefined;
  readonly location: string | undefined;

  constructor(message: string, options: DeliberateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeliberateError';
    this.hint = options.hint;
    this.location = options.location;
  }

  /** Works across package copies, like the AI SDK's `isInstance`. */
  static isInstance(value: unknown): value is DeliberateError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  /** `location: message (hint)`: the one-line form the CLI prints. */
  format(): string {
    const where = this.location ? `${this.location}: ` : '';
    const hint = this.hint ? ` (${this.hint})` : '';
    return `${where}error: ${this.message}${hint}`;
  }
}

/** deliberate.yaml or command-line options are wrong. */
export class ConfigError extends DeliberateError {
  constructor(message: string, options?: DeliberateErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** The spec cannot be read or is invalid. */
export class SpecError extends DeliberateError {
  constructor(message: string, options?: DeliberateErrorOptions) {
    super(message, options);
    this.name = 'SpecError';
  }
}

/** A model backend failed in a way the caller must handle (see `models/outcome.ts` for typed outcomes). */
export class BackendError extends DeliberateError {
  constructor(message: string, options?: DeliberateErrorOptions) {
    super(message, options);
    this.name = 'BackendError';
  }
}

/** Input data (prompts, benchmark files, result files) is malformed. */
export class DataError extends DeliberateError {
  constructor(message: string, options?: DeliberateErrorOptions) {
    super(message, options);
    this.name = 'DataError';
  }
}

/** The accepted samples failed a data-quality gate: nothing was exported (the message lists each gate). */
export class QualityGateError extends DeliberateError {
  constructor(message: string, options?: DeliberateErrorOptions) {
    super(message, options);
    this.name = 'QualityGateError';
  }
}

/** The run was cancelled (Ctrl-C or an AbortSignal). */
export class CancelledError extends DeliberateError {
  constructor(message = 'cancelled', options?: DeliberateErrorOptions) {
    super(message, options);
    this.name = 'CancelledError';
  }
}

/**
 * A role's endpoint cannot do the work: the preflight check failed, a streak of transport failures tripped, or every
 * call of a stage failed. The message names the role, model and URL; the hint says the fix.
 */
export class RoleUnavailableError extends BackendError {
  readonly role: string;

  constructor(role: string, message: string, options?: DeliberateErrorOptions) {
    super(message, options);
    this.name = 'RoleUnavailableError';
    this.role = role;
  }
}
