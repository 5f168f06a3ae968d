/**
 * The install matrix's slow part (the fast part is test/package/install.test.ts, in `npm test`):
 * TypeScript 5.9 over the projects users make, and the declarations of every entry point with
 * `skipLibCheck` off under TypeScript 5.9 and 7. It needs no cluster; it runs here because TypeScript
 * 5.9 takes minutes over the Pulumi and @kubernetes/client-node declarations on a busy 2-core machine.
 *
 * Every project here is installed with a real `npm ci --offline` (test/package/offline-install.ts), so
 * it holds exactly what npm installs for a user: the declaration projects add the runtime packages, and
 * npm brings no @types/ws with them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkEntryPoints, cleanUp, installed, pack, pulumiQuickStart, quickStart, RUNTIME_PEERS, sh, TSC, TSC7, Workspace } from '../package/projects';

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
 * Every entry point's declarations compile in the projects users make, with skipLibCheck off (no generated
 * tsconfig sets it), with TypeScript 5.9 and 7, and with nothing added to the generated tsconfig: the
 * runtime entry points (/ops, /service) need neither `esModuleInterop` nor @types/ws, because their
 * declarations name only the library's own types. Each project is installed with npm, with its framework,
 * @types/node and the runtime packages, as a runtime user has them; npm installs no @types/ws. TypeScript 7
 * removed `moduleResolution: node`, which `pulumi new` writes: there the project moves to `nodenext`, as
 * TypeScript 7 asks.
 *
 * A program that passes the `KubeConfig` of @kubernetes/client-node where the library asks for a
 * `KubeConfigLike` compiles too. Its own import of @kubernetes/client-node brings that package's
 * declarations, which need `esModuleInterop` and @types/ws (that package's requirement, not this
 * library's): that program is compiled with skipLibCheck, which still checks the program's own file,
 * where the KubeConfig is assigned.
 */
const DECLARATION_PROJECTS = {
  'cdk8s-init': { frameworks: ['cdk8s', 'constructs'], entries: ['capi-constructs', 'capi-constructs/core'] },
  'pulumi-new': { frameworks: ['@pulumi/pulumi', '@pulumi/kubernetes'], entries: ['capi-constructs/pulumi', 'capi-constructs/core'] },
  'esm-nodenext': { frameworks: ['cdk8s', 'constructs'], entries: ['capi-constructs', 'capi-constructs/core'] },
} as const;

/** A user's program that hands the library @kubernetes/client-node's KubeConfig, Node streams and Buffers. */
const KUBECONFIG_PROGRAM = `import { KubeConfig } from '@kubernetes/client-node';
import { NodeOperations, readControlPlaneVersions } from 'capi-constructs/ops';
import { createAddonService, KubeConfigLike, loadKubeConfig } from 'capi-constructs/service';

const kubeConfig = new KubeConfig();
kubeConfig.loadFromDefault();
// @ts-expect-error a KubeConfig is no string (fails if the KubeConfig type were lost as any)
export const notAny: string = kubeConfig;
export const ops = new NodeOperations(kubeConfig, { name: 'prod', namespace: 'tenants' });
export const versions: Promise<Map<string, string>> = readControlPlaneVersions(kubeConfig, []);
export const service = createAddonService({ kubeConfig, log: { stream: process.stderr }, https: { key: Buffer.from('key'), cert: 'cert' } });
export const loaded: KubeConfigLike = loadKubeConfig();
// @ts-expect-error an object without the KubeConfig's methods is refused
export const refused = new NodeOperations({}, { name: 'prod', namespace: 'tenants' });
`;

describe.each(Object.keys(DECLARATION_PROJECTS) as (keyof typeof DECLARATION_PROJECTS)[])('declarations in %s, installed with npm with the runtime packages, skipLibCheck off', (fixture) => {
  const { frameworks, entries } = DECLARATION_PROJECTS[fixture];
  let dir: string;
  let base: { compilerOptions: Record<string, unknown> };
  beforeAll(() => {
    ({ dir } = installed(ws, fixture, [...frameworks, '@types/node', ...RUNTIME_PEERS], `${fixture}-declarations`));
    base = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  }, 300_000);

  test('the project is as generated: no skipLibCheck, no esModuleInterop, and npm installed no @types/ws', () => {
    expect(base.compilerOptions.skipLibCheck).toBeUndefined();
    expect(base.compilerOptions.esModuleInterop).toBeUndefined();
    for (const p of RUNTIME_PEERS) expect([p, fs.existsSync(path.join(dir, 'node_modules', p))]).toEqual([p, true]);
    expect(fs.existsSync(path.join(dir, 'node_modules', '@types', 'ws'))).toBe(false);
  });

  test.each([['5.9', TSC], ['7', TSC7]])('TypeScript %s compiles every entry point, and a program passing a KubeConfig of @kubernetes/client-node', (version, tsc) => {
    const ts7 = version === '7' && base.compilerOptions.moduleResolution === 'node' ? { module: 'nodenext', moduleResolution: 'nodenext' } : {};
    const all = checkEntryPoints(dir, tsc, `entries-ts${version}`, [...entries, 'capi-constructs/ops', 'capi-constructs/service'], ts7);
    expect(all.output).toBe('');
    expect(all.code).toBe(0);
    const name = `kubeconfig-ts${version.replace('.', '')}`;
    fs.writeFileSync(path.join(dir, `${name}.ts`), KUBECONFIG_PROGRAM);
    fs.writeFileSync(path.join(dir, `tsconfig.${name}.json`), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { ...ts7, noEmit: true, skipLibCheck: true }, include: [], files: [`${name}.ts`] }));
    const user = sh(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], dir);
    expect(user.output).toBe('');
    expect(user.code).toBe(0);
  });
});
