/**
 * @module servers/guard/guard-audit-log
 * The guard's audit log: one `GuardAuditEntry` per request, appended to a rotated JSONL file. The conversation and
 * answer are written in full, as sha256 hashes, or not at all (`guard.audit.content`); a check's rationale only in
 * full mode, since it may quote the text. Request headers, and so API keys and tokens, are never written.
 */
import { openRotatingJsonl } from '../../io/rotating-jsonl.js';
import { stableHash } from '../../io/stable-hash.js';
import type { GuardAuditEntry } from '../../records/guard-audit-entry.js';
import type { GuardAuditSettings } from '../../records/guard-settings.js';
import type { Message } from '../../records/message.js';

export interface GuardAuditLog {
  readonly file: string | null;
  readonly contentMode: GuardAuditSettings['content'];
  write(entry: GuardAuditEntry): void;
}

/** The `content` field of an entry in the configured mode. */
export function auditContent(
  mode: GuardAuditSettings['content'],
  messages: readonly Message[],
  answer: string | null,
): GuardAuditEntry['content'] {
  if (mode === 'full') return { mode, messages: [...messages], answer };
  if (mode === 'hashed') {
    return { mode, messagesSha256: stableHash(messages), answerSha256: answer === null ? null : stableHash(answer) };
  }
  return { mode };
}

/** Opens the log at `file` (resolved by the caller); `null` keeps no log (tests, benchmarks). */
export function openGuardAuditLog(file: string | null, settings: GuardAuditSettings): GuardAuditLog {
  const log = file === null ? null : openRotatingJsonl(file, { maxBytes: settings.maxBytes, keep: settings.keep });
  return {
    file,
    contentMode: settings.content,
    write(entry) {
      log?.append(entry);
    },
  };
}
