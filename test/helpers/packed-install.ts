/**
 * Installs the packed package into a fresh project the way a user's `npm i -D deliberate-align` would, but offline:
 * the project's lockfile is derived from this repository's (the production dependencies, found by walking the
 * dependency graph from package.json), so `npm ci --offline` takes every tarball from the npm cache that this
 * repository's own `npm ci` filled (no registry metadata needed, which `npm ci` never caches).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface LockEntry {
  version?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface PackageManifest {
  name: string;
  version: string;
  license?: string;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** The environment for a child npm: without the npm_* variables a parent `npm test` sets. */
export function npmEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}

/** Where Node would find `name` from the package at `from` ('' is the root), in a lockfile's flat `packages`. */
function resolveInLock(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

/** The lockfile entries a production install of `manifest` needs: required, optional and non-optional peer deps. */
export function productionLockEntries(
  packages: Record<string, LockEntry>,
  manifest: PackageManifest,
): Record<string, LockEntry> {
  const kept: Record<string, LockEntry> = {};
  const queue: Array<{ from: string; names: string[] }> = [
    { from: '', names: Object.keys(manifest.dependencies ?? {}) },
  ];
  while (queue.length > 0) {
    const { from, names } = queue.shift()!;
    for (const name of names) {
      const key = resolveInLock(packages, from, name);
      if (key === undefined || kept[key] || packages[key]!.link) continue;
      const entry = packages[key]!;
      kept[key] = entry;
      const peers = Object.keys(entry.peerDependencies ?? {}).filter(
        (peer) => !entry.peerDependenciesMeta?.[peer]?.optional,
      );
      const next = [
        ...Object.keys(entry.dependencies ?? {}),
        ...Object.keys(entry.optionalDependencies ?? {}),
        ...peers,
      ];
      queue.push({ from: key, names: next });
    }
  }
  return kept;
}

/** The registry tarball URL of a lockfile entry: npm's lockfiles here omit `resolved`, and without it `npm ci` asks
 * the registry for metadata; with it, `npm ci --offline` reads the tarball from the cache by its integrity. */
function withResolved(key: string, entry: LockEntry, registry: string): LockEntry {
  if (typeof entry.resolved === 'string' || entry.version === undefined) return entry;
  const name = typeof entry.name === 'string' ? entry.name : key.slice(key.lastIndexOf('node_modules/') + 13);
  const base = name.split('/').at(-1);
  return { ...entry, resolved: `${registry.replace(/\/+$/, '')}/${name}/-/${base}-${entry.version}.tgz` };
}

/** Writes package.json and package-lock.json of a project depending on the tarball (a file name inside `project`). */
export function writeConsumerProject(project: string, tarball: string, repositoryRoot: string): void {
  const registry = execFileSync('npm', ['config', 'get', 'registry'], {
    env: npmEnvironment(),
    encoding: 'utf8',
  }).trim();
  const manifest = JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as PackageManifest;
  const lock = JSON.parse(readFileSync(path.join(repositoryRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const integrity = `sha512-${createHash('sha512')
    .update(readFileSync(path.join(project, tarball)))
    .digest('base64')}`;
  const dependencies = { [manifest.name]: `file:${tarball}` };
  const { name, version, license, bin, engines, peerDependencies, peerDependenciesMeta } = manifest;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', version: '1.0.0', dependencies },
    [`node_modules/${name}`]: {
      version,
      resolved: `file:${tarball}`,
      integrity,
      license,
      dependencies: manifest.dependencies,
      peerDependencies,
      peerDependenciesMeta,
      bin,
      engines,
    },
    ...Object.fromEntries(
      Object.entries(productionLockEntries(lock.packages, manifest)).map(([key, entry]) => [
        key,
        withResolved(key, entry, registry),
      ]),
    ),
  };
  const consumer = { name: 'consumer', version: '1.0.0', private: true, dependencies };
  writeFileSync(path.join(project, 'package.json'), `${JSON.stringify(consumer, null, 2)}\n`);
  const consumerLock = { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
  writeFileSync(path.join(project, 'package-lock.json'), `${JSON.stringify(consumerLock, null, 2)}\n`);
}

export interface PackedTarball {
  filename: string;
  files: string[];
}

/** Builds dist/ (what `prepare` does), packs the repository into `destination` and returns the tarball. */
export function packRepository(repositoryRoot: string, destination: string): PackedTarball {
  const options = { cwd: repositoryRoot, env: npmEnvironment(), encoding: 'utf8' as const };
  execFileSync('npm', ['run', 'build', '--silent'], { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
  const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
    ...options,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [packed] = JSON.parse(output) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { filename: packed!.filename, files: packed!.files.map((file) => file.path) };
}

/** Bytes of every file under `folder` (symbolic links counted as themselves, not followed). */
export function folderBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const child = path.join(folder, entry.name);
    total += entry.isDirectory() ? folderBytes(child) : lstatSync(child).size;
  }
  return total;
}
