/**
 * A real `npm ci`, offline, of the packed tarball and a project's dependencies into a temporary project.
 *
 * The project gets a package-lock.json made of the entries of this repository's own lockfile (the exact
 * versions and integrity hashes `npm ci` installed here, so npm's cache holds every tarball) for the
 * packages the project asks for and everything they depend on, plus the packed tarball as a `file:`
 * dependency. `npm ci --offline` then installs exactly as it would for a user, with npm's own peer,
 * optional and engine handling, and without the network: a package missing from the cache fails the
 * install instead of being downloaded.
 */
import { createHash } from 'crypto';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO } from '../support/markdown';

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

let repoLock: Record<string, LockEntry> | undefined;

function lockEntries(): Record<string, LockEntry> {
  repoLock ??= (JSON.parse(fs.readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;
  return repoLock;
}

/** Where node would find `name` from the package installed at `from` (a lockfile path), in the repository's tree. */
function resolveIn(entries: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (entries[candidate]) return candidate;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

/** The installed tree of `name`s (top-level) with everything they need, as lockfile entries. */
function closure(names: readonly string[], extraDependencies: Record<string, string>): Record<string, LockEntry> {
  const entries = lockEntries();
  const out: Record<string, LockEntry> = {};
  const visit = (at: string, required: boolean) => {
    if (out[at]) return;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = entries[at];
    out[at] = entry;
    const meta = entry.peerDependenciesMeta ?? {};
    const needed = [
      ...Object.keys(entry.dependencies ?? {}).map((n) => [n, true] as const),
      ...Object.keys(entry.optionalDependencies ?? {}).map((n) => [n, false] as const),
      ...Object.keys(entry.peerDependencies ?? {}).filter((n) => !meta[n]?.optional).map((n) => [n, true] as const),
    ];
    for (const [dep, must] of needed) {
      if ((entry.bundleDependencies as string[] | undefined)?.includes(dep)) continue;
      const found = resolveIn(entries, at, dep);
      if (found) visit(found, must);
      else if (must && required) throw new Error(`${at} needs ${dep}, which this repository's lockfile does not have`);
    }
  };
  for (const n of [...names, ...Object.keys(extraDependencies)]) {
    const at = `node_modules/${n}`;
    if (!entries[at]) throw new Error(`${n} is not in this repository's lockfile; the install test installs only what the repository installed`);
    visit(at, true);
  }
  return out;
}

export interface OfflineProject {
  /** The project's package.json, without dependencies: they are added here. */
  readonly manifest: Record<string, unknown>;
  /** Packages the project depends on, installed at the versions this repository has. */
  readonly dependencies: readonly string[];
}

/**
 * Installs the tarball (a path) and the project's dependencies into `dir` with `npm ci --offline`.
 * Returns npm's output (warnings included).
 */
export function offlineInstall(dir: string, tarball: string, project: OfflineProject): { code: number | null; output: string } {
  const packed = JSON.parse(spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }).stdout) as LockEntry & { name: string; version: string };
  const entries = lockEntries();
  const deps = Object.fromEntries(project.dependencies.map((n) => [n, entries[`node_modules/${n}`]?.version ?? '']));
  const file = path.relative(dir, tarball);
  const integrity = `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
  const manifest = { ...project.manifest, dependencies: { [packed.name]: `file:${file}`, ...deps } };
  const own: LockEntry = {
    version: packed.version, resolved: `file:${file}`, integrity, license: packed.license,
    dependencies: packed.dependencies, peerDependencies: packed.peerDependencies,
    peerDependenciesMeta: packed.peerDependenciesMeta, bin: packed.bin, engines: packed.engines,
  };
  const lock = {
    name: String(project.manifest.name), version: String(project.manifest.version ?? '1.0.0'), lockfileVersion: 3, requires: true,
    packages: {
      '': { name: project.manifest.name, version: project.manifest.version ?? '1.0.0', dependencies: manifest.dependencies },
      ...closure(project.dependencies, packed.dependencies ?? {}),
      [`node_modules/${packed.name}`]: own,
    },
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  const r = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=warn'], {
    cwd: dir, encoding: 'utf8', timeout: 240_000, env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  return { code: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
