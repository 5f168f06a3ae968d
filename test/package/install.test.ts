/**
 * The package as a newcomer installs it. `npm pack` builds the tarball; it is unpacked into a copy of the
 * project that `cdk8s init typescript-app` generates and into one that `pulumi new kubernetes-typescript`
 * generates (test/package/fixtures: their tsconfig and package.json as generated). In each, the README's
 * quick start is compiled verbatim with the project's own tsconfig and run: a cdk8s synth, and the Pulumi
 * program under `pulumi.runtime.setMocks`.
 *
 * Offline: instead of `npm install`, each project's node_modules gets the unpacked tarball plus links to
 * the packages this repository already installed: exactly the project's own dependencies and the tarball's
 * `dependencies`, nothing else, so a dependency the package forgot to declare fails here as it would for
 * a user. The projects live in the OS temp directory, outside the repository, so that node's lookup cannot
 * fall back on the repository's node_modules.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { blockUnder, REPO } from '../support/markdown';

const FIXTURES = path.join(__dirname, 'fixtures');
const TSC = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
/** TypeScript 7 (what `npm i -D typescript` installs today), kept apart from the repository's tsc 5.9 (test/package/typescript-7). */
const TSC7 = path.join(REPO, 'test', 'package', 'typescript-7', 'node_modules', 'typescript', 'bin', 'tsc');
/** The optional peers of the runtime entry points (capi-constructs/ops, /service, the node and serve commands). */
const RUNTIME_PEERS = ['@kubernetes/client-node', 'fastify', 'prom-client'];

let work: string;
let unpacked: string;
let packed: { name: string; version: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function link(project: string, pkg: string): void {
  const from = path.join(REPO, 'node_modules', pkg);
  if (!fs.existsSync(from)) throw new Error(`${pkg} is not installed in the repository; the install test cannot link it`);
  const to = path.join(project, 'node_modules', pkg);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.symlinkSync(from, to, 'dir');
}

/** A copy of a fixture project with the tarball "installed" and the listed packages linked. */
function project(fixture: string, packages: readonly string[], as = fixture): string {
  const dir = path.join(work, as);
  fs.cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.cpSync(unpacked, path.join(dir, 'node_modules', packed.name), { recursive: true });
  for (const p of [...packages, ...Object.keys(packed.dependencies ?? {})]) link(dir, p);
  return dir;
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-install-'));
  // `npm pack` runs the prepack build, as a release does.
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: REPO, encoding: 'utf8', timeout: 240_000, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
  execFileSync('tar', ['-xzf', path.join(work, info.filename), '-C', work]);
  unpacked = path.join(work, 'package');
  packed = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  test('ships the build, the CLI and the docs, and no sources, tests or machine paths', () => {
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: unpacked, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files).toContain('./build/index.js');
    expect(files).toContain('./build/index.d.ts');
    expect(files).toContain('./bin/capi-constructs.js');
    expect(files.filter((f) => f.startsWith('./lib/') || f.startsWith('./test/'))).toEqual([]);
    const text = files.filter((f) => /\.(js|d\.ts|md)$/.test(f)).map((f) => fs.readFileSync(path.join(unpacked, f), 'utf8'));
    expect(text.filter((t) => t.includes('/work/shared') || t.includes('/work/main'))).toEqual([]);
  });

  test('source maps carry their sources (the .ts files are not shipped)', () => {
    const maps = execFileSync('find', ['build', '-name', '*.js.map'], { cwd: unpacked, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(maps.length).toBeGreaterThan(10);
    const missing = maps.filter((m) => {
      const map = JSON.parse(fs.readFileSync(path.join(unpacked, m), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      return !map.sourcesContent || map.sourcesContent.length !== map.sources.length || map.sourcesContent.some((c) => typeof c !== 'string');
    });
    expect(missing).toEqual([]);
  });

  test('ships LICENSE and CHANGELOG.md, and names the repository, homepage and issue tracker', () => {
    expect(fs.readFileSync(path.join(unpacked, 'LICENSE'), 'utf8')).toContain('Apache License');
    expect(fs.readFileSync(path.join(unpacked, 'CHANGELOG.md'), 'utf8')).toContain(`## ${packed.version}`);
    const meta = packed as unknown as { repository?: { url?: string }; homepage?: string; bugs?: { url?: string } };
    expect(meta.repository?.url).toMatch(/^git\+https:\/\//);
    expect(meta.homepage).toMatch(/^https:\/\//);
    expect(meta.bugs?.url).toMatch(/^https:\/\/.*\/issues$/);
  });

  test('the runtime stack is optional: a constructs user installs none of it', () => {
    const meta = (packed as unknown as { peerDependenciesMeta: Record<string, { optional?: boolean }> }).peerDependenciesMeta;
    for (const p of RUNTIME_PEERS) {
      expect(Object.keys(packed.dependencies ?? {})).not.toContain(p);
      expect([p, meta[p]?.optional]).toEqual([p, true]);
    }
    // CEL: plan evaluates the CRDs' rules; secretlint's preset: the credential scan of every emitted string
    expect(Object.keys(packed.dependencies ?? {}).sort()).toEqual(['@bufbuild/cel', '@bufbuild/protobuf', '@secretlint/secretlint-rule-preset-recommend', 'ipaddr.js', 'semver', 'yaml']);
  });

  test('the frameworks are optional peers: neither side is installed for the other', () => {
    const meta = (packed as unknown as { peerDependenciesMeta: Record<string, { optional?: boolean }> }).peerDependenciesMeta;
    for (const peer of Object.keys(packed.peerDependencies ?? {})) expect([peer, meta[peer]?.optional]).toEqual([peer, true]);
    expect(Object.keys(packed.dependencies ?? {})).not.toEqual(expect.arrayContaining(['cdk8s']));
  });
});

describe('a project made by `cdk8s init typescript-app`', () => {
  let dir: string;
  beforeAll(() => {
    dir = project('cdk8s-init', ['cdk8s', 'constructs', 'cdk8s-plus-33', '@types/node', 'typescript']);
    fs.writeFileSync(path.join(dir, 'main.ts'), blockUnder('README.md', 'Quick start: cdk8s').code);
  });

  test('the fixture is what the installed cdk8s-cli generates', () => {
    const template = path.join(REPO, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'))).toEqual(JSON.parse(fs.readFileSync(path.join(template, 'tsconfig.json'), 'utf8')));
    expect(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8')).toBe(fs.readFileSync(path.join(template, 'cdk8s.yaml'), 'utf8'));
  });

  test('compiles the README quick start with the generated tsconfig and synthesizes it without warnings', () => {
    const tsc = sh(process.execPath, [TSC, '-p', '.'], dir);
    expect(tsc.output).toBe('');
    expect(tsc.code).toBe(0);
    const out = path.join(dir, 'dist');
    const run = sh(process.execPath, ['main.js'], dir, { CDK8S_OUTDIR: out });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const yaml = fs.readdirSync(out).map((f) => fs.readFileSync(path.join(out, f), 'utf8')).join('\n');
    for (const kind of ['Cluster', 'KubeadmControlPlane', 'MachineDeployment', 'KubeadmConfigTemplate', 'MachineHealthCheck', 'HelmRelease']) {
      expect(yaml).toMatch(new RegExp(`^kind: ${kind}$`, 'm'));
    }
  });
});

describe('a project made by `pulumi new kubernetes-typescript`', () => {
  let dir: string;
  beforeAll(() => {
    dir = project('pulumi-new', ['@pulumi/pulumi', '@pulumi/kubernetes', '@types/node', 'typescript']);
    fs.writeFileSync(path.join(dir, 'index.ts'), blockUnder('README.md', 'Quick start: Pulumi').code);
  });

  test('compiles the README quick start with the generated tsconfig (node10 resolution) and runs it under mocks', () => {
    const tsc = sh(process.execPath, [TSC, '-p', '.'], dir);
    expect(tsc.output).toBe('');
    expect(tsc.code).toBe(0);
    fs.writeFileSync(path.join(dir, 'run-with-mocks.js'), `
const pulumi = require('@pulumi/pulumi');
const types = [];
pulumi.runtime.setMocks({
  newResource: (a) => { types.push(a.type); return { id: a.name + '-id', state: a.inputs }; },
  call: (a) => a.inputs,
}, 'pulumi-app', 'dev', false).then(async () => {
  require('./bin/index.js');
  await pulumi.runtime.waitForRPCs();
  process.stdout.write(JSON.stringify(types));
});
`);
    const run = sh(process.execPath, ['run-with-mocks.js'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const types = JSON.parse(run.stdout) as string[];
    for (const t of ['Cluster', 'KubeadmControlPlane', 'MachineDeployment', 'MachineHealthCheck']) {
      expect(types.some((x) => x.startsWith('kubernetes:') && x.endsWith(`:${t}`))).toBe(true);
    }
  });

  test.each([
    ['node10', ['--module', 'commonjs', '--moduleResolution', 'node']],
    ['node16', ['--module', 'node16', '--moduleResolution', 'node16']],
    ['bundler', ['--module', 'esnext', '--moduleResolution', 'bundler']],
  ])('capi-constructs/pulumi and capi-constructs/core resolve their types under %s resolution', (_, flags) => {
    fs.writeFileSync(path.join(dir, 'subpaths.ts'), [
      "import { Cluster } from 'capi-constructs/pulumi';",
      "import { ValidationError } from 'capi-constructs/core';",
      'export const used: [typeof Cluster, typeof ValidationError] = [Cluster, ValidationError];',
      '',
    ].join('\n'));
    const tsc = sh(process.execPath, [TSC, '--noEmit', '--strict', '--target', 'es2020', ...flags, 'subpaths.ts'], dir);
    expect(tsc.output).toBe('');
    expect(tsc.code).toBe(0);
  });

  test('importing the cdk8s entry point without cdk8s says what to install', () => {
    const r = sh(process.execPath, ['-e', "require('capi-constructs')"], dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('needs the peer dependencies cdk8s and constructs: npm install cdk8s constructs');
  });
});

describe('without the runtime packages (a constructs-only project)', () => {
  let dir: string;
  beforeAll(() => {
    dir = project('cdk8s-init', ['cdk8s', 'constructs', '@types/node'], 'cdk8s-no-runtime');
  });

  test.each([
    ['capi-constructs/ops', 'needs the peer dependency @kubernetes/client-node: npm install @kubernetes/client-node.'],
    ['capi-constructs/service', 'needs the peer dependencies @kubernetes/client-node and fastify and prom-client: npm install @kubernetes/client-node fastify prom-client.'],
  ])('%s says what to install', (entry, message) => {
    const r = sh(process.execPath, ['-e', `require('${entry}')`], dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${entry} ${message}`);
  });

  test('the constructs load, plan runs, and node/serve exit 78 naming the install command', () => {
    expect(sh(process.execPath, ['-e', "require('capi-constructs'); require('capi-constructs/core')"], dir).code).toBe(0);
    const bin = path.join(dir, 'node_modules', 'capi-constructs', 'bin', 'capi-constructs.js');
    expect(sh(process.execPath, [bin, 'plan', '--help'], dir).code).toBe(0);
    const node = sh(process.execPath, [bin, 'node', 'show', 'w-1', '--cluster', 'c', '--namespace', 'n'], dir);
    expect(node).toMatchObject({ code: 78, stderr: expect.stringMatching(/^capi-constructs node: capi-constructs node needs the peer dependency @kubernetes\/client-node: npm install @kubernetes\/client-node\. [^\n]*\n$/) });
    const serve = sh(process.execPath, [bin, 'serve'], dir);
    expect(serve.code).toBe(78);
    expect(serve.stderr).toContain('npm install @kubernetes/client-node fastify prom-client');
  });
});

/**
 * Every entry point's declarations compile in the projects users make, with skipLibCheck off (neither
 * generated tsconfig sets it), with TypeScript 5.9 and 7. TypeScript 7 removed `moduleResolution: node`,
 * which `pulumi new` writes: there the project moves to `nodenext`, as TypeScript 7 asks. The runtime entry
 * points need what their peer @kubernetes/client-node's declarations need: `esModuleInterop` and @types/ws
 * (docs/cli.md).
 */
describe.each([['5.9', TSC], ['7', TSC7]])('declarations under TypeScript %s, skipLibCheck off', (version, tsc) => {
  const entries = { 'cdk8s-init': ['capi-constructs', 'capi-constructs/core'], 'pulumi-new': ['capi-constructs/pulumi', 'capi-constructs/core'] } as const;
  const runtime = ['capi-constructs/ops', 'capi-constructs/service'];
  const frameworks = { 'cdk8s-init': ['cdk8s', 'constructs'], 'pulumi-new': ['@pulumi/pulumi', '@pulumi/kubernetes'] } as const;

  test.each(Object.keys(entries) as (keyof typeof entries)[])('%s: the constructs entry points, then the runtime ones', (fixture) => {
    const dir = project(fixture, [...frameworks[fixture], '@types/node', '@types/ws', ...RUNTIME_PEERS], `${fixture}-ts${version}`);
    const base = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(base.compilerOptions.skipLibCheck).toBeUndefined();
    const ts7 = version === '7' && base.compilerOptions.moduleResolution === 'node' ? { module: 'nodenext', moduleResolution: 'nodenext' } : {};
    const check = (name: string, lines: readonly string[], extra: Record<string, unknown>) => {
      // every export of each entry point: the whole declaration tree is checked
      fs.writeFileSync(path.join(dir, `${name}.ts`), [...lines.map((e, i) => `import * as e${i} from '${e}';`), `export const used = [${lines.map((_, i) => `e${i}`).join(', ')}];`, ''].join('\n'));
      fs.writeFileSync(path.join(dir, `tsconfig.${name}.json`), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { ...ts7, ...extra, noEmit: true }, include: [], files: [`${name}.ts`] }));
      return sh(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], dir);
    };
    const constructs = check('constructs', entries[fixture], {});
    expect(constructs.output).toBe('');
    expect(constructs.code).toBe(0);
    const ops = check('runtime', runtime, { esModuleInterop: true });
    expect(ops.output).toBe('');
    expect(ops.code).toBe(0);
  });
});
