/** Thrown by a command that ran but must exit non-zero after printing its results (e.g. `spec check` on an invalid spec). */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'ExitCode';
  }
}
