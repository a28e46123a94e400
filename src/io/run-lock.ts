/**
 * @module io/run-lock
 * One run per out folder: `<out>/run.lock` holds the pid, host and start time of the process using the folder,
 * created atomically (`wx`). A second run exits at once naming the holder; a lock whose process is gone (killed,
 * even with SIGKILL) is stale and taken over, so a killed run still resumes.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { DeliberateError } from '../errors.js';
import { processIsAlive } from './process-is-alive.js';

export interface RunLockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** What holds it (e.g. `deliberate run`). */
  command: string;
}

export interface RunLock {
  file: string;
  /** The stale lock this one replaced, if any (worth a warning). */
  tookOverFrom: RunLockHolder | null;
  release(): void;
}

/** The out folder is in use by another process. */
export class RunLockedError extends DeliberateError {
  constructor(message: string, options: { hint: string; location: string }) {
    super(message, options);
    this.name = 'RunLockedError';
  }
}

function readHolder(file: string): RunLockHolder | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunLockHolder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return null;
    return {
      pid: value.pid,
      host: value.host,
      startedAt: String(value.startedAt ?? '?'),
      command: String(value.command ?? '?'),
    };
  } catch {
    return null;
  }
}

/** Takes `<folder>/run.lock`, or throws RunLockedError naming the live holder. */
export function acquireRunLock(folder: string, command: string): RunLock {
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'run.lock');
  const me: RunLockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
  let tookOverFrom: RunLockHolder | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    let descriptor: number;
    try {
      descriptor = openSync(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (holder && (holder.host !== me.host || processIsAlive(holder.pid))) {
        const elsewhere = holder.host !== me.host;
        throw new RunLockedError(
          `the out folder ${folder} is in use by ${holder.command} (pid ${holder.pid} on host ${holder.host}, started ${holder.startedAt})`,
          {
            location: file,
            hint: elsewhere
              ? `wait for it to finish, or use another out folder; if no run is active on ${holder.host}, delete ${file}`
              : `wait for it to finish (or stop it: kill ${holder.pid}), or set another \`out:\` folder; the next run resumes its work`,
          },
        );
      }
      // Its process is gone (or the file is unreadable): stale. Remove it and try again.
      tookOverFrom = holder;
      rmSync(file, { force: true });
      continue;
    }
    try {
      writeSync(descriptor, `${JSON.stringify(me)}\n`);
    } finally {
      closeSync(descriptor);
    }
    let released = false;
    return {
      file,
      tookOverFrom,
      release() {
        if (released) return;
        released = true;
        // Only our own lock: a run that lost it to a takeover must not delete the new holder's.
        const holder = readHolder(file);
        if (holder && holder.pid === me.pid && holder.startedAt === me.startedAt) rmSync(file, { force: true });
      },
    };
  }
  throw new RunLockedError(`cannot take the lock ${file}: another run keeps taking it`, {
    location: file,
    hint: 'make sure only one run uses this out folder',
  });
}
