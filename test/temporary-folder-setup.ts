/**
 * Vitest global setup: every test's temporary files go under one folder made for this test run (TMPDIR points there,
 * so `os.tmpdir()` in the test forks and in the CLI processes they start returns it), removed when the run ends —
 * a test that forgets its own `mkdtempSync` folder leaves nothing behind in the system's temp folder. What a person
 * should look at after the run (the report screenshots) goes to the system's temp folder, named in
 * DELIBERATE_SYSTEM_TMPDIR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'deliberate-tests-'));
  const previous = process.env.TMPDIR;
  process.env.DELIBERATE_SYSTEM_TMPDIR = os.tmpdir();
  process.env.TMPDIR = folder;
  return () => {
    delete process.env.DELIBERATE_SYSTEM_TMPDIR;
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(folder, { recursive: true, force: true });
  };
}
