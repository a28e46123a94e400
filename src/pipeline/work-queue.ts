/**
 * @module pipeline/work-queue
 * A concurrency-limited queue of units of work (p-queue) that never loses an error: the first task that throws stops
 * the queue (no new tasks start) and `done()` rethrows it once the tasks in flight have finished.
 */
import PQueue from 'p-queue';

export interface WorkQueue {
  add(task: () => Promise<void>): void;
  /** Waits for every task; throws the first error a task threw. */
  done(): Promise<void>;
}

/** A queue running at most `concurrency` tasks at once. */
export function createWorkQueue(concurrency: number): WorkQueue {
  const queue = new PQueue({ concurrency });
  let failure: { error: unknown } | undefined;
  return {
    add(task) {
      void queue.add(async () => {
        if (failure) return;
        try {
          await task();
        } catch (error) {
          failure ??= { error };
          queue.clear();
        }
      });
    },
    async done() {
      await queue.onIdle();
      if (failure) throw failure.error;
    },
  };
}
