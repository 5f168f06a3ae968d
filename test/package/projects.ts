/**
 * The projects the install tests make (test/package/install.test.ts in `npm test`, the slow TypeScript 5.9
 * matrix in test/cluster/install-matrix.test.ts): the packed tarball, copies of the fixture projects of
 * test/package/fixtures with the tarball installed, and running their programs.
 *
 * Two ways to install, both offline. `installed`: a real `npm ci --offline` (./offline-install.ts), so npm's
 * own peer, optional and engine handling decide what the project gets. `linked`: the unpacked tarball plus
 * links to packages this repository installed, exactly the listed ones and the tarball's `dependencies`,
 * for projects that also need packages npm would not install for a constructs user (the runtime peers,
 * @types/ws). Projects live in the OS temp directory, outside the repository, so that node's lookup cannot
 * fall back on the repository's node_modules.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { blockUnder, REPO } from '../support/markdown';
import { offlineInstall } from './offline-install';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const TSC = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
/** TypeScript 7 (what `npm i -D typescript` installs today), kept apart from the repository's tsc 5.9 (test/package/typescript-7). */
export const TSC7 = path.join(REPO, 'test', 'package', 'typescript-7', 'node_modules', 'typescript', 'bin', 'tsc');
/** The optional peers of the runtime entry points (capi-constructs/ops, /service, the node and serve commands). */
export const RUNTIME_PEERS = ['@kubernetes/client-node', 'fastify', 'prom-client'];

export interface Packed {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface Workspace {
  /** A fresh directory in the OS temp directory; `cleanUp` removes it. */
  readonly work: string;
  /** The `npm pack` tarball. */
  readonly tarball: string;
  /** The tarball unpacked (`package/`). */
  readonly unpacked: string;
  readonly packed: Packed;
}

export function sh(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 900_000, env: { ...process.env, ...env } });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`); // e.g. killed at the timeout: say so, not "exit null"
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** `npm pack` (which runs the prepack build, as a release does) into a fresh temp directory, unpacked. */
export function pack(): Workspace {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-install-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: REPO, encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
  const tarball = path.join(work, info.filename);
  execFileSync('tar', ['-xzf', tarball, '-C', work]);
  const unpacked = path.join(work, 'package');
  return { work, tarball, unpacked, packed: JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8')) as Packed };
}

export function cleanUp(ws: Workspace | undefined): void {
  if (ws) fs.rmSync(ws.work, { recursive: true, force: true });
}

function link(project: string, pkg: string): void {
  const from = path.join(REPO, 'node_modules', pkg);
  if (!fs.existsSync(from)) throw new Error(`${pkg} is not installed in the repository; the install test cannot link it`);
  const to = path.join(project, 'node_modules', pkg);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.symlinkSync(from, to, 'dir');
}

/** A copy of a fixture project with the tarball unpacked into it and the listed packages linked. */
export function linked(ws: Workspace, fixture: string, packages: readonly string[], as = fixture): string {
  const dir = path.join(ws.work, as);
  fs.cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.cpSync(ws.unpacked, path.join(dir, 'node_modules', ws.packed.name), { recursive: true });
  for (const p of [...packages, ...Object.keys(ws.packed.dependencies ?? {})]) link(dir, p);
  return dir;
}

/** A copy of a fixture project into which `npm ci --offline` installed the tarball and the listed packages; npm's output. */
export function installed(ws: Workspace, fixture: string, dependencies: readonly string[], as = fixture): { dir: string; npm: string } {
  const dir = path.join(ws.work, as);
  fs.cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
  const { dependencies: _d, devDependencies: _dd, ...manifest } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  const r = offlineInstall(dir, ws.tarball, { manifest, dependencies });
  if (r.code !== 0) throw new Error(`npm ci --offline in ${as} failed:\n${r.output}`);
  return { dir, npm: r.output };
}

/** The README's cdk8s quick start, as the TypeScript projects hold it. */
export const quickStart = (): string => blockUnder('README.md', 'Quick start: cdk8s').code;
/** The README's Pulumi quick start. */
export const pulumiQuickStart = (): string => blockUnder('README.md', 'Quick start: Pulumi').code;
/** The quick start as a JavaScript user writes it with `require`: it has no type syntax, only its imports change. */
export const asCommonJs = (code: string): string =>
  code.replace(/^import \{([^}]*)\} from '([^']+)';$/gm, (_, names: string, from: string) => `const {${names}} = require('${from}');`);

/** Runs a cdk8s program with node and returns what it wrote (CDK8S_OUTDIR, the files in name order); it must print nothing to stderr. */
export function synth(dir: string, args: readonly string[]): string {
  const out = fs.mkdtempSync(path.join(dir, 'dist-'));
  const run = sh(process.execPath, args, dir, { CDK8S_OUTDIR: out });
  if (run.stderr !== '' || run.code !== 0) throw new Error(`node ${args.join(' ')} exited ${run.code}:\n${run.output}`);
  return fs.readdirSync(out).sort().map((f) => fs.readFileSync(path.join(out, f), 'utf8')).join('\n');
}

/** Compiles `name`.ts of `dir` that imports every export of each entry point, with a tsconfig extending the project's. */
export function checkEntryPoints(dir: string, tsc: string, name: string, entries: readonly string[], compilerOptions: Record<string, unknown>) {
  fs.writeFileSync(path.join(dir, `${name}.ts`), [...entries.map((e, i) => `import * as e${i} from '${e}';`), `export const used = [${entries.map((_, i) => `e${i}`).join(', ')}];`, ''].join('\n'));
  fs.writeFileSync(path.join(dir, `tsconfig.${name}.json`), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { ...compilerOptions, noEmit: true }, include: [], files: [`${name}.ts`] }));
  return sh(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], dir);
}
