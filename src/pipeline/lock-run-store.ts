/**
 * @module pipeline/lock-run-store
 * A run's hold on its out folder: the run lock (one run per folder; a stale lock is taken over with a warning) and the
 * run store inside it, released together.
 */
import path from 'node:path';
import { acquireRunLock } from '../io/run-lock.js';
import { openRunStore, type RunStore } from '../io/run-store.js';
import type { PipelineRun } from './pipeline-run.js';

export interface LockedRunStore {
  store: RunStore;
  /** Closes the store and releases the lock. */
  release(): void;
}

/** Takes the out folder's lock, then opens its run store; a second run stops here, before any work. */
export function lockRunStore(run: PipelineRun): LockedRunStore {
  const lock = acquireRunLock(run.outDirectory, run.until === 'export' ? 'deliberate run' : `deliberate ${run.until}`);
  if (lock.tookOverFrom) {
    const stale = lock.tookOverFrom;
    run.options.warn?.(
      `took over a stale lock of ${stale.command} (pid ${stale.pid} on ${stale.host}, started ${stale.startedAt}): that process is gone; resuming its work`,
    );
  }
  let store: RunStore;
  try {
    store = openRunStore(path.join(run.outDirectory, 'run.sqlite'));
  } catch (error) {
    lock.release();
    throw error;
  }
  return {
    store,
    release() {
      store.close();
      lock.release();
    },
  };
}
