/**
 * @module io/process-is-alive
 * Whether a process id names a running process on this machine: what tells a stale lock or temp file from one in use.
 */

/** True when `pid` runs (EPERM: it exists but belongs to someone else). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
