/**
 * Issue 33, item 2, for the adapters: every export of the root entry point (`capi-constructs`: the cdk8s
 * constructs, FleetApp/FleetChart/ClusterChart, addFleet) and of `capi-constructs/pulumi` (the
 * components, run under Pulumi's mocks), called or constructed with hostile whole arguments, returns a
 * value or throws a ValidationError, never another error. Each ValidationError names the field of
 * every problem, prints the bad value safely, and a cdk8s construct that fails adds nothing to its scope.
 *
 * The exports are enumerated from the module objects, so a new export is fuzzed without a change here.
 * The exports both entry points take from `capi-constructs/core` are the core's own objects, fuzzed by
 * test/fuzz/exports.test.ts; this file checks they are the same objects and fuzzes everything else.
 * Bounded by count (fixed seed under CI, test/setup.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import fc from 'fast-check';
import * as core from '../../lib/core';
import * as root from '../../lib';
import * as pulumiEntry from '../../lib/pulumi';
import { show } from '../../lib/core/rules/errors';
import { runPulumi } from '../pulumi/harness';

process.env.CAPI_CONSTRUCTS_WARNINGS = 'silent';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-adapters-fuzz-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

// ---- hostile values ---------------------------------------------------------------------------------

const circular = () => { const o: Record<string, unknown> = { a: 1 }; o.self = o; return o; };
const trap = () => { throw new Error('trap'); };
// symbol keys are left alone: fast-check asks every generated value for its clone method
const onStrings = <T>(f: (t: object, k: string | symbol) => T, otherwise: T) => (t: object, k: string | symbol) => (typeof k === 'symbol' ? otherwise : f(t, k));
const throwingProxy = () => new Proxy({}, { get: onStrings(trap, undefined), has: onStrings(trap, false), ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: onStrings(trap, undefined) });
const throwingGetter = () => Object.defineProperty({ name: 'x' }, 'namespace', { get: trap, enumerable: true });
// built once: the library never mutates its arguments (test/fuzz/public-api.test.ts checks it). The
// random calls take a long string and a deep value; the repros take 10 MB and 100k levels (each costs
// the library 50-250 ms to refuse: too slow for every draw).
const deepValue = (n: number) => { let d: unknown = 1; for (let i = 0; i < n; i++) d = { d }; return d; };
const HUGE = 'x'.repeat(10_000_000);
const DEEP = deepValue(100_000);
const LONG = 'x'.repeat(100_000);
const NESTED = deepValue(1_000);
/** Objects that look like a construct scope, and are not one. */
const fakeScopes: (() => unknown)[] = [
  () => ({}), () => ({ node: null }), () => ({ node: 5 }), () => ({ node: { root: null } }), () => ({ node: { path: 'a', root: {} } }),
  () => throwingProxy(), () => Object.defineProperty({}, 'node', { get: trap }), () => new Date(0), () => [], () => 'chart',
];

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(undefined, null, 0, -1, NaN, Infinity, 2 ** 53 + 2, '', 'x', '\ud800', 'UPPER', 'a/b', '<<', true, [], [null], {}, { name: 5 }),
  fc.constant(null).map(() => LONG as unknown),
  fc.constant(null).map(() => NESTED),
  fc.constant(null).map(() => Object.create(null) as unknown),
  fc.constant(null).map(circular as () => unknown),
  fc.constant(null).map(throwingProxy as () => unknown),
  fc.constant(null).map(throwingGetter as () => unknown),
  fc.constant(null).map(() => new Map([['a', 1]]) as unknown),
  fc.constant(null).map(() => new Date(0) as unknown),
  fc.constant(null).map(() => new Number(1) as unknown),
  fc.constant(null).map(() => new String('x') as unknown),
  fc.constant(null).map(() => 5n as unknown),
  fc.constant(null).map(() => Symbol('s') as unknown),
  fc.constant(null).map(() => (() => 1) as unknown),
  fc.constantFrom(...fakeScopes).map((f) => f()),
  fc.anything({ maxDepth: 2, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withBoxedValues: true }),
);

// ---- plausible arguments, so that the fuzz reaches past the first check -----------------------------

const docker = () => new core.CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: {} });
const clusterProps = (name = 'fz') => ({
  name, cni: 'calico', kubernetesVersion: 'v1.31.4',
  infrastructure: core.existingInfrastructureCluster({ version: 'v1beta1', kind: 'DockerCluster' }),
}) as Record<string, unknown>;
const clusterRef = () => ({ name: 'fz', namespace: 'default', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' }) as const;
const spec = (name = 'fz') => ({ cluster: clusterProps(name), controlPlane: { machineTemplate: docker(), replicas: 1 }, workers: [{ name: 'md', machineTemplate: docker() }] }) as Record<string, unknown>;

/** Props by the part of the name of the export they suit; the adapters take the same props. */
const PROPS: Record<string, () => Record<string, unknown>> = {
  Cluster: () => clusterProps(),
  ControlPlaneGroup: () => ({ cluster: clusterRef(), machineTemplate: docker(), replicas: 1 }),
  'WorkerGroup.ingress': () => ({ cluster: clusterRef(), machineTemplate: docker() }),
  WorkerGroup: () => ({ cluster: clusterRef(), name: 'md', machineTemplate: docker() }),
  ClusterAddon: () => ({ cluster: clusterRef(), addon: 'kuberay' }),
  FluxResourceMetrics: () => ({ namespace: 'monitoring' }),
  ClusterChart: () => ({ spec: spec() }),
};

/** A hostile value as fast-check prints it in a counterexample: safely (it may be 100k deep, or throw when read). */
class Hostile {
  constructor(readonly value: unknown) {}
  [fc.toStringMethod](): string {
    return show(this.value);
  }
}

/** One argument list: the plausible one, with one whole argument, or one prop, replaced by a hostile value (or left out). */
interface Mutation { kind: 'none' | 'argument' | 'prop' | 'fewer' | 'more'; at: number; key: string; value: Hostile }
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('none', 'argument', 'argument', 'argument', 'prop', 'prop', 'fewer', 'more'),
  at: fc.nat({ max: 5 }),
  key: fc.constantFrom('name', 'cluster', 'spec', 'machineTemplate', 'namespace', 'addon', 'replicas', 'scaling', 'outdir', 'provider', 'unknownKey'),
  value: hostile.map((v) => new Hostile(v)),
});

function mutate(args: unknown[], m: Mutation): unknown[] {
  const out = [...args];
  const value = m.value.value;
  if (m.kind === 'argument') out[m.at % Math.max(out.length, 1)] = value;
  else if (m.kind === 'fewer') out.length = m.at % Math.max(out.length, 1);
  else if (m.kind === 'more') out.push(value);
  else if (m.kind === 'prop') {
    const i = out.findIndex((a) => a !== null && typeof a === 'object' && Object.getPrototypeOf(a) === Object.prototype);
    if (i >= 0) out[i] = { ...(out[i] as object), [m.key]: value };
  }
  return out;
}

// ---- the targets, enumerated from the module objects -------------------------------------------------

type Fn = (...a: unknown[]) => unknown;
interface Target { readonly name: string; readonly call: (args: unknown[]) => unknown; readonly isConstructor: boolean }

const isClass = (v: unknown) => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v));

/** Every function and class an entry point exports beyond the core's, with the static methods of the classes. */
function targetsOf(entry: Record<string, unknown>): Target[] {
  const out: Target[] = [];
  for (const [name, v] of Object.entries(entry)) {
    if (typeof v !== 'function' || (core as Record<string, unknown>)[name] === v) continue;
    if (isClass(v)) {
      out.push({ name, call: (args) => Reflect.construct(v as new (...a: unknown[]) => unknown, args), isConstructor: true });
      for (const k of Object.getOwnPropertyNames(v)) {
        const d = Object.getOwnPropertyDescriptor(v, k)!;
        // `isConstruct`/`isChart`/`isApp`... are the frameworks' own type guards, inherited as they are
        if (['length', 'name', 'prototype'].includes(k) || typeof d.value !== 'function' || /^is[A-Z]/.test(k)) continue;
        out.push({ name: `${name}.${k}`, call: (args) => (d.value as Fn).apply(v, args), isConstructor: false });
      }
    } else {
      out.push({ name, call: (args) => (v as Fn)(...args), isConstructor: false });
    }
  }
  return out;
}

const propsFor = (name: string) => (PROPS[name] ?? PROPS[name.split('.')[0]] ?? (() => ({})))();

/** The plausible arguments of a cdk8s export, in a fresh app. */
function cdk8sArgs(t: Target, app: App, chart: Chart): unknown[] {
  switch (t.name) {
    case 'FleetApp': return [{ outdir: path.join(tmpRoot, 'app') }];
    case 'FleetChart': return [app, 'chart-2', {}];
    case 'ClusterChart': return [app, propsFor(t.name)];
    case 'addFleet': return [app, [spec('fleet')]];
    default: return [chart, 'id', propsFor(t.name)];
  }
}

function pulumiArgs(t: Target, name: string): unknown[] {
  return [name, propsFor(t.name), {}];
}

// ---- the outcome of one call ------------------------------------------------------------------------

function outcome(t: Target, args: unknown[]): 'ok' | 'invalid' {
  let error: any;
  try {
    const r = t.call(args);
    if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).catch(() => undefined);
    return 'ok';
  } catch (e) {
    error = e;
  }
  if (!(error instanceof core.ValidationError) || error.statusCode !== 400 || !Array.isArray(error.issues) || error.issues.length === 0) {
    throw new Error(`${t.name}(${args.map(show).join(', ')}): not a ValidationError: ${error?.name}: ${String(error?.message).slice(0, 400)}`);
  }
  // printing the error, and the values it names, never throws, loops or floods
  const where = `${t.name}(${args.map(show).join(', ')})`;
  const wrong = (what: string) => new Error(`${where}: ${what}\n${String(error.message).slice(0, 1000)}`);
  if (String(error).length > 20_000) throw wrong(`the message has ${String(error).length} characters`);
  for (const a of args) if (show(a).length > 230) throw wrong('a value prints too long');
  for (const i of error.issues) {
    // every problem names its field (a whole argument by its parameter name: `scope`, `id`, `props`, ...)
    if (typeof i.path !== 'string' || i.path === '') throw wrong(`an issue names no field: ${show(i)}`);
    if (typeof i.message !== 'string' || i.message.includes('[object Object]') || i.message.length >= 2000) throw wrong(`an issue prints its value badly: ${show(i.message)}`);
    if (!error.message.includes(`${i.path}: `)) throw wrong(`the message leaves out ${show(i.path)}`);
  }
  return 'invalid';
}

// ---- the cdk8s adapter (the root entry point) --------------------------------------------------------

describe('every export of capi-constructs (cdk8s) with hostile whole arguments', () => {
  const targets = targetsOf(root as Record<string, unknown>);

  it('re-exports the core as the core objects themselves, fuzzed by exports.test.ts', () => {
    for (const [name, v] of Object.entries(core)) expect([name, (root as Record<string, unknown>)[name] === v]).toEqual([name, true]);
    expect(targets.map((t) => t.name)).toEqual(expect.arrayContaining(['Cluster', 'ControlPlaneGroup', 'WorkerGroup', 'WorkerGroup.ingress', 'ClusterAddon', 'FluxResourceMetrics', 'FleetApp', 'FleetChart', 'ClusterChart', 'addFleet']));
  });

  it('returns or throws a ValidationError naming the field; a failed construct adds nothing: 1000 calls', () => {
    const counts = { ok: 0, invalid: 0 };
    fc.assert(fc.property(fc.nat({ max: targets.length - 1 }), mutation, (which, m) => {
      const t = targets[which];
      const app = Testing.app();
      const chart = new Chart(app, 'chart');
      const args = mutate(cdk8sArgs(t, app, chart), m);
      const before = app.node.findAll().length;
      const r = outcome(t, args);
      counts[r]++;
      if (r === 'invalid') expect(app.node.findAll().length).toBe(before);
    }), { numRuns: 1000 });
    expect(counts.invalid).toBeGreaterThan(400);
    expect(counts.ok).toBeGreaterThan(50);
  });

  it('the repros: wrong scopes, ids and props of every construct', () => {
    // [what, call, must it throw (or may it also return)]
    const cases: [string, () => unknown, boolean][] = [];
    for (const t of targets.filter((x) => x.isConstructor && x.name !== 'FleetApp')) {
      const isChart = ['ClusterChart', 'FleetChart'].includes(t.name);
      const withScope = (scope: unknown) => (t.name === 'ClusterChart' ? [scope, propsFor(t.name)] : [scope, 'id', propsFor(t.name)]);
      for (const f of fakeScopes) cases.push([`new ${t.name}(${show(f())}, ...)`, () => t.call(withScope(f())), true]);
      // a chart may be a root of its own; anything else needs a chart above it
      cases.push([`new ${t.name}(undefined, ...)`, () => t.call(withScope(undefined)), !isChart]);
      cases.push([`new ${t.name}(new Construct(undefined, 'root'), ...)`, () => t.call(withScope(new Construct(undefined as never, 'root'))), !isChart]);
      if (t.name !== 'ClusterChart') {
        for (const id of [5, null, undefined, '', 'x'.repeat(2000), Symbol('s'), {}, throwingProxy()]) {
          cases.push([`new ${t.name}(chart, ${show(id)}, ...)`, () => t.call([new Chart(Testing.app(), 'c'), id, propsFor(t.name)]), true]);
        }
        cases.push([`new ${t.name}(chart, 'taken', ...)`, () => { const c = new Chart(Testing.app(), 'c'); new Construct(c, 'taken'); return t.call([c, 'taken', propsFor(t.name)]); }, true]);
      } else {
        cases.push([`new ${t.name}(app, ...) with its cluster's name taken`, () => { const app = Testing.app(); new Construct(app, 'fz'); return t.call([app, propsFor(t.name)]); }, true]);
      }
      const slow = t.name === 'WorkerGroup' ? [{ ...propsFor(t.name), name: HUGE }, { ...propsFor(t.name), scaling: DEEP }] : [];
      for (const p of [throwingProxy(), throwingGetter(), circular(), new Map(), new Date(0), new Number(1), HUGE, DEEP, ...slow]) {
        cases.push([`new ${t.name}(chart, 'id', ${show(p)})`, () => t.call(t.name === 'ClusterChart' ? [Testing.app(), p] : [new Chart(Testing.app(), 'c'), 'id', p]), true]);
      }
    }
    cases.push(['new FleetApp(5)', () => new root.FleetApp(5 as never), true]);
    cases.push(['new FleetApp({ outdir: 5 })', () => new root.FleetApp({ outdir: 5 } as never), true]);
    cases.push(['new FleetApp({ outDir })', () => new root.FleetApp({ outDir: tmpRoot } as never), true]);
    cases.push(['new FleetApp(throwing Proxy)', () => new root.FleetApp(throwingProxy() as never), true]);
    cases.push(["new FleetApp({ yamlOutputType: 'FILE_PER_APP' })", () => new root.FleetApp({ yamlOutputType: 'FILE_PER_APP' } as never), true]);
    cases.push(['new FleetApp({ yamlOutputType: 7 })', () => new root.FleetApp({ yamlOutputType: 7 } as never), true]);
    cases.push(['new FleetChart(app, id, { labels: new Map() })', () => new root.FleetChart(Testing.app(), 'id', { labels: new Map() } as never), true]);
    cases.push(['addFleet(null, [])', () => root.addFleet(null as never, []), true]);
    cases.push(['addFleet({}, [spec])', () => root.addFleet({} as never, [spec() as never]), true]);
    cases.push(['addFleet(app, throwing Proxy)', () => root.addFleet(Testing.app(), throwingProxy() as never), true]);
    cases.push(['addFleet(app, [throwing Proxy])', () => root.addFleet(Testing.app(), [throwingProxy()] as never), true]);
    cases.push(["addFleet(app, [spec]) with the cluster's name taken", () => { const app = Testing.app(); new Construct(app, 'fz'); return root.addFleet(app, [spec() as never]); }, true]);
    const wrong: string[] = [];
    for (const [what, call, mustThrow] of cases) {
      try {
        call();
        if (mustThrow) wrong.push(`${what}: accepted`);
      } catch (e: any) {
        if (!(e instanceof core.ValidationError)) wrong.push(`${what}: ${e?.name}: ${String(e?.message).split('\n')[0].slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe("the core's exports, as the entry points re-export them, with Proxies and getters that throw", () => {
  // test/fuzz/exports.test.ts draws the other hostile values for these
  it('return or throw a ValidationError: every function and class, each value as first and second argument', () => {
    const values: [string, () => unknown][] = [
      ['a throwing Proxy', throwingProxy], ['a throwing getter', throwingGetter], ['{ spec: throwing Proxy }', () => ({ spec: throwingProxy() })],
      ['[throwing Proxy]', () => [throwingProxy()]], ['{ metadata: throwing getter }', () => ({ metadata: throwingGetter() })],
    ];
    const wrong: string[] = [];
    let calls = 0;
    for (const [name, v] of Object.entries(root as Record<string, unknown>)) {
      // writeFleet writes files and setWarningHandler changes a global: the fleet and warning tests cover them
      if (typeof v !== 'function' || (core as Record<string, unknown>)[name] !== v || ['writeFleet', 'setWarningHandler'].includes(name)) continue;
      const call = (args: unknown[]) => (isClass(v) ? Reflect.construct(v as new (...a: unknown[]) => unknown, args) : (v as Fn)(...args));
      for (const [what, make] of values) {
        for (const args of [[make()], ['x', make()]]) {
          calls++;
          try {
            const r = call(args);
            if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).catch(() => undefined);
          } catch (e: any) {
            if (!(e instanceof core.ValidationError)) wrong.push(`${name}(${args.length === 1 ? what : `'x', ${what}`}): ${e?.name}: ${String(e?.message).slice(0, 100)}`);
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(500);
    expect(wrong).toEqual([]);
  });
});

describe('the whole-argument problems come with the props problems, in one ValidationError', () => {
  const paths = (call: () => unknown) => {
    try {
      call();
    } catch (e: any) {
      expect(e).toBeInstanceOf(core.ValidationError);
      return e.issues.map((i: core.Issue) => i.path).sort();
    }
    throw new Error('accepted');
  };

  it('cdk8s: scope, id and props', () => {
    expect(paths(() => new root.WorkerGroup({ node: 5 } as never, 5 as never, { cluster: clusterRef(), name: 'md', machineTemplate: docker(), replica: 2 } as never)))
      .toEqual(['id', 'replica', 'scope']);
    const chart = new Chart(Testing.app(), 'c');
    new Construct(chart, 'taken');
    expect(paths(() => new root.ControlPlaneGroup(chart, 'taken', { cluster: clusterRef(), machineTemplate: docker(), replicas: 2 }))).toEqual(['id', 'replicas']);
    expect(chart.node.children.map((c) => c.node.id)).toEqual(['taken']);
    expect(paths(() => new root.FleetChart(chart, '', { labels: { 'a b': 'x' }, nameSpace: 'x' } as never))).toEqual(['id', 'labels.a b', 'nameSpace']);
    expect(paths(() => root.addFleet({} as never, [spec('Bad_Name')] as never))).toEqual(['app', 'clusters[0].cluster.name']);
  });

  it('cdk8s: a chart whose cluster name a sibling has taken, and a getter deep inside props', () => {
    const app = Testing.app();
    new Construct(app, 'fz');
    expect(paths(() => new root.ClusterChart(app, { spec: spec() } as never))).toEqual(['cluster.name']);
    expect(paths(() => root.addFleet(app, [spec()] as never))).toEqual(['clusters[0].cluster.name']);
    const props = { ...clusterProps(), clusterNetwork: Object.defineProperty({}, 'pods', { get: trap, enumerable: true }) };
    expect(paths(() => new root.Cluster(new Chart(Testing.app(), 'c'), 'c', props as never))).toEqual(['clusterNetwork.pods']);
  });

  it('pulumi: name, options and props', async () => {
    const found: string[][] = [];
    await runPulumi(() => {
      found.push(paths(() => new pulumiEntry.WorkerGroup(5 as never, { cluster: clusterRef(), name: 'md', machineTemplate: docker(), replica: 2 } as never, throwingProxy() as never)));
      found.push(paths(() => pulumiEntry.WorkerGroup.ingress('x'.repeat(1025), throwingGetter() as never, new Map() as never)));
    });
    expect(found).toEqual([['name', 'opts', 'replica'], ['name', 'opts', 'props']]);
  });
});

// ---- the Pulumi adapter ------------------------------------------------------------------------------

describe('every export of capi-constructs/pulumi with hostile whole arguments (under Pulumi mocks)', () => {
  const targets = targetsOf(pulumiEntry as Record<string, unknown>);

  it('re-exports the core as the core objects themselves', () => {
    for (const [name, v] of Object.entries(core)) expect([name, (pulumiEntry as Record<string, unknown>)[name] === v]).toEqual([name, true]);
    expect(targets.map((t) => t.name)).toEqual(expect.arrayContaining(['Cluster', 'ControlPlaneGroup', 'WorkerGroup', 'WorkerGroup.ingress', 'ClusterAddon', 'FluxResourceMetrics']));
  });

  it('returns or throws a ValidationError naming the field: 500 calls', async () => {
    const cases = fc.sample(fc.tuple(fc.nat({ max: targets.length - 1 }), mutation), { numRuns: 500 });
    const counts = { ok: 0, invalid: 0 };
    const failures: string[] = [];
    // One component per batch (the components declared in one synchronous run, lib/pulumi/emit.ts): a
    // failed component fails its batch, and the registrations of a valid one in the same batch would then
    // be refused, which Pulumi reports as unhandled rejections (test/pulumi/run-program.ts).
    for (let i = 0; i < cases.length; i += 100) {
      await runPulumi(() => undefined); // fresh mocks: a fresh registry of defined objects
      for (const [k, [which, m]] of cases.slice(i, i + 100).entries()) {
        const t = targets[which];
        try {
          counts[outcome(t, mutate(pulumiArgs(t, `c${i + k}`), m))]++;
        } catch (e: any) {
          failures.push(String(e?.message).slice(0, 600));
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    expect(failures).toEqual([]);
    expect(counts.invalid).toBeGreaterThan(200);
    expect(counts.ok).toBeGreaterThan(20);
  });
});
