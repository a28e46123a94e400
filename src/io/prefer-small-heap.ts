/**
 * @module io/prefer-small-heap
 * Asks V8 to keep this process's heap small (`--optimize-for-size`, set at run time: the old generation then grows by
 * a conservative factor instead of up to four times its live size before a full collection). For the commands that
 * stream a million rows through a small live set (`prompts prepare`, a library caller's export): the RL export of
 * 190,063 prompts peaked at 360 MB without and 178 MB with it, at 1.4 times the wall time; nothing else changes (same
 * bytes out). Process-wide and lasting, so the commands that run the pipeline's hot path do not call it.
 */
import { setFlagsFromString } from 'node:v8';

/** The V8 flags `preferSmallHeap` sets. */
export const smallHeapFlags = ['--optimize-for-size'] as const;

/** Sets `smallHeapFlags` for the rest of this process. */
export function preferSmallHeap(): void {
  for (const flag of smallHeapFlags) setFlagsFromString(flag);
}
