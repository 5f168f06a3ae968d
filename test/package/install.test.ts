/**
 * The package as a newcomer installs it (`npm test` part). `npm pack` builds the tarball, and `npm ci
 * --offline` installs it (./offline-install.ts: npm's own peer, optional and engine handling, every
 * tarball from npm's cache) into copies of the projects users make (test/package/fixtures): the one
 * `cdk8s init typescript-app` generates, an ES module project (`"type": "module"`, module nodenext), a
 * plain JavaScript project (require and import) and a bundler project (moduleResolution bundler, esbuild).
 * Each runs the README's cdk8s quick start, and every one must write the same YAML as the first.
 *
 * The slow part, TypeScript 5.9 over the Pulumi project and the declarations of every entry point, runs
 * in `npm run test:cluster` (test/cluster/install-matrix.test.ts); here TypeScript 5.9 compiles the
 * cdk8s-init project, whose package.json pins it, and TypeScript 7 the others.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO } from '../support/markdown';
import { asCommonJs, cleanUp, installed, linked, pack, quickStart, RUNTIME_PEERS, sh, synth, TSC, TSC7, Workspace } from './projects';

let ws: Workspace;
beforeAll(() => {
  ws = pack();
}, 300_000);
afterAll(() => cleanUp(ws));

describe('the packed tarball', () => {
  test('ships the build, the CLI and the docs, and no sources, tests or machine paths', () => {
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: ws.unpacked, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files).toContain('./build/index.js');
    expect(files).toContain('./build/index.d.ts');
    expect(files).toContain('./bin/capi-constructs.js');
    expect(files.filter((f) => f.startsWith('./lib/') || f.startsWith('./test/'))).toEqual([]);
    const text = files.filter((f) => /\.(js|d\.ts|md)$/.test(f)).map((f) => fs.readFileSync(path.join(ws.unpacked, f), 'utf8'));
    expect(text.filter((t) => t.includes('/work/shared') || t.includes('/work/main'))).toEqual([]);
  });

  test('source maps carry their sources (the .ts files are not shipped)', () => {
    const maps = execFileSync('find', ['build', '-name', '*.js.map'], { cwd: ws.unpacked, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(maps.length).toBeGreaterThan(10);
    const missing = maps.filter((m) => {
      const map = JSON.parse(fs.readFileSync(path.join(ws.unpacked, m), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      return !map.sourcesContent || map.sourcesContent.length !== map.sources.length || map.sourcesContent.some((c) => typeof c !== 'string');
    });
    expect(missing).toEqual([]);
  });

  test('ships LICENSE and CHANGELOG.md, and names the repository, homepage and issue tracker', () => {
    expect(fs.readFileSync(path.join(ws.unpacked, 'LICENSE'), 'utf8')).toContain('Apache License');
    expect(fs.readFileSync(path.join(ws.unpacked, 'CHANGELOG.md'), 'utf8')).toContain(`## ${ws.packed.version}`);
    const meta = ws.packed as unknown as { repository?: { url?: string }; homepage?: string; bugs?: { url?: string } };
    expect(meta.repository?.url).toMatch(/^git\+https:\/\//);
    expect(meta.homepage).toMatch(/^https:\/\//);
    expect(meta.bugs?.url).toMatch(/^https:\/\/.*\/issues$/);
  });

  test('the runtime stack is optional: a constructs user installs none of it', () => {
    const meta = (ws.packed as unknown as { peerDependenciesMeta: Record<string, { optional?: boolean }> }).peerDependenciesMeta;
    for (const p of RUNTIME_PEERS) {
      expect(Object.keys(ws.packed.dependencies ?? {})).not.toContain(p);
      expect([p, meta[p]?.optional]).toEqual([p, true]);
    }
    // CEL: plan evaluates the CRDs' rules; secretlint's preset: the credential scan of every emitted string
    expect(Object.keys(ws.packed.dependencies ?? {}).sort()).toEqual(['@bufbuild/cel', '@bufbuild/protobuf', '@secretlint/secretlint-rule-preset-recommend', 'ipaddr.js', 'semver', 'yaml']);
  });

  test('the frameworks are optional peers: neither side is installed for the other', () => {
    const meta = (ws.packed as unknown as { peerDependenciesMeta: Record<string, { optional?: boolean }> }).peerDependenciesMeta;
    for (const peer of Object.keys(ws.packed.peerDependencies ?? {})) expect([peer, meta[peer]?.optional]).toEqual([peer, true]);
    expect(Object.keys(ws.packed.dependencies ?? {})).not.toEqual(expect.arrayContaining(['cdk8s']));
  });
});

const RUNTIME_AND_OTHER_FRAMEWORK = [...RUNTIME_PEERS, 'pino', '@pulumi/pulumi', '@pulumi/kubernetes'];

/** The quick start's YAML from the CommonJS TypeScript project: every other project must write the same bytes. */
let reference: string;

describe('a project made by `cdk8s init typescript-app`, installed with npm', () => {
  let dir: string;
  let npm: string;
  beforeAll(() => {
    ({ dir, npm } = installed(ws, 'cdk8s-init', ['cdk8s', 'constructs', 'cdk8s-plus-33', '@types/node']));
    fs.writeFileSync(path.join(dir, 'main.ts'), quickStart());
  }, 120_000);

  test('the fixture is what the installed cdk8s-cli generates', () => {
    const template = path.join(REPO, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'))).toEqual(JSON.parse(fs.readFileSync(path.join(template, 'tsconfig.json'), 'utf8')));
    expect(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8')).toBe(fs.readFileSync(path.join(template, 'cdk8s.yaml'), 'utf8'));
  });

  test('npm installs it without a warning, and installs none of the runtime stack and no Pulumi', () => {
    expect(npm).not.toMatch(/warn|ERR/i);
    const present = RUNTIME_AND_OTHER_FRAMEWORK.filter((p) => fs.existsSync(path.join(dir, 'node_modules', p)));
    expect(present).toEqual([]);
  });

  test('compiles the README quick start with the generated tsconfig and synthesizes it without warnings', () => {
    const tsc = sh(process.execPath, [TSC, '-p', '.'], dir);
    expect(tsc.output).toBe('');
    expect(tsc.code).toBe(0);
    reference = synth(dir, ['main.js']);
    for (const kind of ['Cluster', 'KubeadmControlPlane', 'MachineDeployment', 'KubeadmConfigTemplate', 'MachineHealthCheck', 'HelmRelease']) {
      expect(reference).toMatch(new RegExp(`^kind: ${kind}$`, 'm'));
    }
  });

  test.each([
    ['capi-constructs/ops', 'needs the peer dependency @kubernetes/client-node: npm install @kubernetes/client-node.'],
    ['capi-constructs/service', 'needs the peer dependencies @kubernetes/client-node and fastify and prom-client: npm install @kubernetes/client-node fastify prom-client.'],
  ])('without the runtime packages, %s says what to install', (entry, message) => {
    const r = sh(process.execPath, ['-e', `require('${entry}')`], dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${entry} ${message}`);
  });

  test('without the runtime packages, plan runs, and node/serve exit 78 naming the install command', () => {
    const bin = path.join(dir, 'node_modules', '.bin', 'capi-constructs');
    expect(sh(bin, ['plan', '--help'], dir).code).toBe(0);
    const node = sh(bin, ['node', 'show', 'w-1', '--cluster', 'c', '--namespace', 'n'], dir);
    expect(node).toMatchObject({ code: 78, stderr: expect.stringMatching(/^capi-constructs node: capi-constructs node needs the peer dependency @kubernetes\/client-node: npm install @kubernetes\/client-node\. [^\n]*\n$/) });
    const serve = sh(bin, ['serve'], dir);
    expect(serve.code).toBe(78);
    expect(serve.stderr).toContain('npm install @kubernetes/client-node fastify prom-client');
  });
});

describe('an ES module project (`"type": "module"`, module nodenext), installed with npm', () => {
  let dir: string;
  beforeAll(() => {
    ({ dir } = installed(ws, 'esm-nodenext', ['cdk8s', 'constructs', '@types/node']));
    fs.writeFileSync(path.join(dir, 'main.ts'), quickStart());
  }, 120_000);

  test('TypeScript 7 compiles the quick start, which imports the CommonJS package by name, and node runs it: it writes what the CommonJS project writes', () => {
    const r = sh(process.execPath, [TSC7, '-p', '.', '--outDir', 'out'], dir);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'out', 'main.js'), 'utf8')).toMatch(/^import \{[^}]*\} from 'capi-constructs';$/m);
    expect(synth(dir, ['out/main.js'])).toBe(reference);
  });
});

describe('a plain JavaScript project, installed with npm', () => {
  let dir: string;
  beforeAll(() => {
    ({ dir } = installed(ws, 'plain-js', ['cdk8s', 'constructs']));
    fs.writeFileSync(path.join(dir, 'main.cjs'), asCommonJs(quickStart()));
    fs.writeFileSync(path.join(dir, 'main.mjs'), quickStart());
  }, 120_000);

  test('with require: the quick start writes what the TypeScript project writes', () => {
    expect(fs.readFileSync(path.join(dir, 'main.cjs'), 'utf8')).not.toMatch(/^import /m);
    expect(synth(dir, ['main.cjs'])).toBe(reference);
  });

  test('with import: the quick start writes what the TypeScript project writes', () => {
    expect(synth(dir, ['main.mjs'])).toBe(reference);
  });
});

describe('a bundler project (moduleResolution bundler, esbuild), installed with npm', () => {
  let dir: string;
  beforeAll(() => {
    ({ dir } = installed(ws, 'bundler', ['cdk8s', 'constructs', '@types/node', 'esbuild']));
    fs.writeFileSync(path.join(dir, 'main.ts'), quickStart());
  }, 120_000);

  test('TypeScript 7 type-checks the quick start', () => {
    const r = sh(process.execPath, [TSC7, '-p', '.'], dir);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  test('esbuild bundles it into one file that runs without node_modules and writes what the TypeScript project writes', () => {
    const esbuild = path.join(dir, 'node_modules', '.bin', 'esbuild');
    const r = sh(esbuild, ['main.ts', '--bundle', '--platform=node', '--format=cjs', '--log-level=warning', '--outfile=bundle/main.cjs'], dir);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
    const alone = fs.mkdtempSync(path.join(ws.work, 'bundle-alone-'));
    fs.copyFileSync(path.join(dir, 'bundle', 'main.cjs'), path.join(alone, 'main.cjs'));
    expect(synth(alone, ['main.cjs'])).toBe(reference);
  });
});

describe('a project made by `pulumi new kubernetes-typescript`', () => {
  test('importing the cdk8s entry point without cdk8s says what to install', () => {
    const dir = linked(ws, 'pulumi-new', ['@pulumi/pulumi', '@pulumi/kubernetes']);
    const r = sh(process.execPath, ['-e', "require('capi-constructs')"], dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('needs the peer dependencies cdk8s and constructs: npm install cdk8s constructs');
  });
});
