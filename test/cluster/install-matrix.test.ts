/**
 * The install matrix's slow part (the fast part is test/package/install.test.ts, in `npm test`):
 * TypeScript 5.9 over the projects users make, and the declarations of every entry point with
 * `skipLibCheck` off under TypeScript 5.9 and 7. It needs no cluster; it runs here because TypeScript
 * 5.9 takes minutes over the Pulumi and @kubernetes/client-node declarations on a busy 2-core machine.
 *
 * The Pulumi project is installed with a real `npm ci --offline` (test/package/offline-install.ts); the
 * declaration projects, which add the runtime peers and @types/ws, get the tarball and links
 * (test/package/projects.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkEntryPoints, cleanUp, installed, linked, pack, pulumiQuickStart, quickStart, RUNTIME_PEERS, sh, TSC, TSC7, Workspace } from '../package/projects';

// TypeScript 5.9 over @pulumi/pulumi and @kubernetes/client-node: minutes per compile on a busy machine
jest.setTimeout(30 * 60_000);

let ws: Workspace;
beforeAll(() => {
  ws = pack();
}, 300_000);
afterAll(() => cleanUp(ws));

describe.each([
  ['an ES module project (module nodenext)', 'esm-nodenext'],
  ['a bundler project (moduleResolution bundler)', 'bundler'],
])('%s, installed with npm', (_, fixture) => {
  test('TypeScript 5.9 compiles the cdk8s quick start', () => {
    const { dir } = installed(ws, fixture, ['cdk8s', 'constructs', '@types/node'], `${fixture}-ts5.9`);
    fs.writeFileSync(path.join(dir, 'main.ts'), quickStart());
    const r = sh(process.execPath, [TSC, '-p', '.', '--noEmit'], dir);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('a project made by `pulumi new kubernetes-typescript`, installed with npm', () => {
  let dir: string;
  let npm: string;
  beforeAll(() => {
    ({ dir, npm } = installed(ws, 'pulumi-new', ['@pulumi/pulumi', '@pulumi/kubernetes', '@types/node']));
    fs.writeFileSync(path.join(dir, 'index.ts'), pulumiQuickStart());
  }, 240_000);

  test('npm installs it without a warning, and installs none of the runtime stack and no cdk8s', () => {
    expect(npm).not.toMatch(/warn|ERR/i);
    const present = [...RUNTIME_PEERS, 'pino', 'cdk8s', 'constructs'].filter((p) => fs.existsSync(path.join(dir, 'node_modules', p)));
    expect(present).toEqual([]);
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
    const dir = linked(ws, fixture, [...frameworks[fixture], '@types/node', '@types/ws', ...RUNTIME_PEERS], `${fixture}-ts${version}`);
    const base = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(base.compilerOptions.skipLibCheck).toBeUndefined();
    const ts7 = version === '7' && base.compilerOptions.moduleResolution === 'node' ? { module: 'nodenext', moduleResolution: 'nodenext' } : {};
    const check = (name: string, lines: readonly string[], extra: Record<string, unknown>) => checkEntryPoints(dir, tsc, name, lines, { ...ts7, ...extra });
    const constructs = check('constructs', entries[fixture], {});
    expect(constructs.output).toBe('');
    expect(constructs.code).toBe(0);
    const ops = check('runtime', runtime, { esModuleInterop: true });
    expect(ops.output).toBe('');
    expect(ops.code).toBe(0);
  });
});
