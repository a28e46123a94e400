/**
 * @module spec/spec-diagnostics
 * Collects the problems found while reading and checking a spec, each with its file:line:col.
 */
import type { SourceLocation, SpecDiagnostic } from '../records/spec.js';

/** The problems found so far; parsing goes on after a problem so that one run reports all of them. */
export class SpecDiagnostics {
  readonly items: SpecDiagnostic[] = [];

  error(code: string, message: string, location: SourceLocation, hint?: string): void {
    this.items.push({ severity: 'error', code, message, location, ...(hint === undefined ? {} : { hint }) });
  }

  warning(code: string, message: string, location: SourceLocation, hint?: string): void {
    this.items.push({ severity: 'warning', code, message, location, ...(hint === undefined ? {} : { hint }) });
  }

  get hasErrors(): boolean {
    return this.items.some((item) => item.severity === 'error');
  }
}

/** `file:line:col: error|warning: message (hint)`: the one-line form printed by `spec check`. */
export function formatSpecDiagnostic(diagnostic: SpecDiagnostic): string {
  const { file, line, column } = diagnostic.location;
  const hint = diagnostic.hint ? ` (${diagnostic.hint})` : '';
  return `${file}:${line}:${column}: ${diagnostic.severity}: ${diagnostic.message}${hint}`;
}

/** A file that could not be read as text: every other problem it causes (an id it defined gone missing) follows it. */
const unreadableFileCodes = new Set(['unreadable-file', 'binary-file', 'invalid-utf8']);

/**
 * Orders diagnostics with files that could not be read first (the cause before its knock-on errors, e.g. a
 * precedence line naming the category such a file defined), then by file (in reading order), line and column, so
 * output is deterministic.
 */
export function sortSpecDiagnostics(diagnostics: SpecDiagnostic[], files: readonly string[]): SpecDiagnostic[] {
  const fileRank = (file: string) => {
    const index = files.indexOf(file);
    return index === -1 ? files.length : index;
  };
  const unreadable = (diagnostic: SpecDiagnostic) => (unreadableFileCodes.has(diagnostic.code) ? 0 : 1);
  return [...diagnostics].sort(
    (a, b) =>
      unreadable(a) - unreadable(b) ||
      fileRank(a.location.file) - fileRank(b.location.file) ||
      (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column,
  );
}
