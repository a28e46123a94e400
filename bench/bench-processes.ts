/**
 * Child processes for the benches: the fake endpoint, the built CLI, and any command measured by GNU time (wall
 * seconds, user + system CPU seconds, peak RSS), so what is measured is one process and nothing else.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const repositoryRoot = path.resolve(import.meta.dirname, '..');
const tsx = path.join(repositoryRoot, 'node_modules', '.bin', 'tsx');

export interface Measured {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMB: number;
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs `command args…` under /usr/bin/time; resolves when it exits (never rejects on a non-zero exit). */
export function measure(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; onSpawn?: (child: ChildProcess) => void } = {},
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'TIME %e %U %S %M', command, ...args], {
      cwd: options.cwd ?? repositoryRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const match = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr);
      if (!match) {
        reject(new Error(`no timing from /usr/bin/time for ${command} ${args.join(' ')}:\n${stderr.slice(-2000)}`));
        return;
      }
      resolve({
        wallSeconds: Number(match[1]),
        cpuSeconds: Number(match[2]) + Number(match[3]),
        peakRssMB: Number(match[4]) / 1024,
        stdout,
        stderr: stderr.slice(0, match.index),
        exitCode: code ?? 1,
      });
    });
  });
}

/** Runs a TypeScript file of bench/ with tsx, measured. */
export function measureScript(file: string, args: string[], options: Parameters<typeof measure>[2] = {}) {
  return measure(tsx, [path.join(repositoryRoot, 'bench', file), ...args], options);
}

/** Builds dist/ when a source file is newer than dist/cli/main.js (the benches measure the built CLI users run). */
export function ensureBuilt(): void {
  const built = path.join(repositoryRoot, 'dist', 'cli', 'main.js');
  const newest = (folder: string): number =>
    readdirSync(folder, { withFileTypes: true }).reduce((latest, entry) => {
      const full = path.join(folder, entry.name);
      return Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
    }, 0);
  if (existsSync(built) && statSync(built).mtimeMs >= newest(path.join(repositoryRoot, 'src'))) return;
  console.log('bench: building dist/ (npm run build)…');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repositoryRoot, stdio: 'ignore' });
}

/** `deliberate <args…>` from dist/, measured. */
export function measureCli(args: string[], options: Parameters<typeof measure>[2] = {}) {
  return measure(process.execPath, [path.join(repositoryRoot, 'bin', 'deliberate.js'), ...args], options);
}

export interface EndpointProcess {
  baseUrl: string;
  /** Stops it; resolves with what it printed on exit (the number of faults it played). */
  stop(): Promise<string>;
}

/** Starts bench/fake-endpoint.ts in its own process. */
export function startEndpointProcess(args: string[]): Promise<EndpointProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [path.join(repositoryRoot, 'bench', 'fake-endpoint.ts'), ...args], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    let started = false;
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (!started && output.includes('\n')) {
        started = true;
        const baseUrl = output.split('\n')[0]!.trim();
        output = output.slice(output.indexOf('\n') + 1);
        resolve({
          baseUrl,
          stop: () =>
            new Promise((done) => {
              child.on('close', () => done(output.trim()));
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (!started) reject(new Error(`fake endpoint exited with ${code} before it listened`));
    });
  });
}
