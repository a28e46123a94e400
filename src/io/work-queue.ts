/**
 * @module io/work-queue
 * A concurrency-limited queue of units of work (p-queue) that never loses an error: the first task that throws stops
 * the queue (no new tasks start) and `done()` rethrows it once the tasks in flight have finished.
 */
import PQueue from 'p-queue';

export interface WorkQueue {
  add(task: () => Promise<void>): void;
  /** Stops the queue as a failing task would (e.g. on Ctrl-C): no new task starts, and `done()` throws this error. */
  stop(error: unknown): void;
  /** true once a task failed or `stop` was called: tasks in flight may check it before writing results. */
  readonly stopped: boolean;
  /** Waits for every task; throws the first error a task threw. */
  done(): Promise<void>;
}

/** A queue running at most `concurrency` tasks at once. */
export function createWorkQueue(concurrency: number): WorkQueue {
  const queue = new PQueue({ concurrency });
  let failure: { error: unknown } | undefined;
  const stop = (error: unknown) => {
    failure ??= { error };
    queue.clear();
  };
  return {
    add(task) {
      void queue.add(async () => {
        if (failure) return;
        try {
          await task();
        } catch (error) {
          stop(error);
        }
      });
    },
    stop,
    get stopped() {
      return failure !== undefined;
    },
    async done() {
      await queue.onIdle();
      if (failure) throw failure.error;
    },
  };
}
