/**
 * @module evals/eval-journal
 * The resumable part of an eval run: one JSONL line per finished item × transform × arm (response and grades).
 * A re-run reads it and skips what is done; transport failures are not "done" and run again. Keys include the
 * item's content hash and the exact messages sent, so changed data or a changed arm never reuses a stale answer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { appendJsonl } from '../io/jsonl.js';
import { stableHash } from '../io/stable-hash.js';
import { EvalResult } from '../records/eval-log.js';

export const EvalJournalEntry = z.object({
  schemaVersion: z.literal(1),
  key: z.string(),
  benchmark: z.string(),
  result: EvalResult,
});
export type EvalJournalEntry = z.infer<typeof EvalJournalEntry>;

/** The journal key of one case: benchmark, arm, item, its content, transform, grader ids and the messages sent. */
export function evalCaseKey(parts: {
  benchmark: string;
  arm: string;
  itemId: string;
  contentHash: string;
  transform: string;
  graderIds: readonly string[];
  messages: unknown;
  /** A compute arm's request options (undefined for a plain arm: keys of earlier runs stay valid). */
  requestOptions?: unknown;
}): string {
  return stableHash(parts);
}

/** Outcomes worth retrying on a re-run rather than keeping. */
const retried = new Set(['transport-failure', 'cancelled']);

/** Reads the finished cases of an earlier run (a torn last line from a crash is ignored). */
export function readEvalJournal(file: string): Map<string, EvalJournalEntry> {
  const done = new Map<string, EvalJournalEntry>();
  if (!existsSync(file)) return done;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = EvalJournalEntry.safeParse(value);
    if (!parsed.success || retried.has(parsed.data.result.outcome.kind)) continue;
    done.set(parsed.data.key, parsed.data);
  }
  return done;
}

/** Appends one finished case. */
export function appendEvalJournal(file: string, entry: EvalJournalEntry): void {
  appendJsonl(file, entry);
}
