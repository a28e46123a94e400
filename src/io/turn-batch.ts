/**
 * @module io/turn-batch
 * Group commit: items added in the same turn of the event loop are written together (one SQLite transaction instead
 * of one per item), and each `add` resolves only once its item is written, so a caller awaiting it never moves on
 * before its item is durable. Replies that arrive together (a wave of 64 answered requests) share one commit.
 */

export interface TurnBatch<T> {
  /** Queues `item`; resolves when the batch holding it is written, rejects with the write's error. */
  add(item: T): Promise<void>;
  /** Writes the queued items now (e.g. before the store closes). */
  flush(): void;
}

/** A batch written by `write(items)` (in the order they were added) once per turn of the event loop. */
export function createTurnBatch<T>(write: (items: T[]) => void): TurnBatch<T> {
  let items: T[] = [];
  let waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (items.length === 0) return;
    const batch = items;
    const settle = waiters;
    items = [];
    waiters = [];
    try {
      write(batch);
    } catch (error) {
      for (const waiter of settle) waiter.reject(error);
      return;
    }
    for (const waiter of settle) waiter.resolve();
  };
  return {
    add(item) {
      items.push(item);
      scheduled ??= setImmediate(flush);
      return new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    },
    flush,
  };
}
