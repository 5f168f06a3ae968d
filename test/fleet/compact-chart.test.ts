/**
 * ClusterCharts keep their cluster compact until something needs their objects: FleetApp writes an
 * untouched chart without creating its ApiObjects, and every way of reaching into a chart (its parts,
 * its node's children, a construct added under it, dependencies, toJson, Testing.synth, cdk8s's own
 * App.synth) sees exactly the chart an eager build makes.
 */
import * as path from 'path';
import fc from 'fast-check';
import { ApiObject, App, Chart, IResolver, JsonPatch, ResolutionContext, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { addFleet, Cluster, ClusterChart, ClusterSpec, FleetApp, renderFleet } from '../../lib';
import { ClusterOutput, clusterOutput, forEachClusterOutputWith } from '../../lib/core/fleet/cluster-output';
import { renderClusterSpec } from '../../lib/core/fleet/render';
import * as zlib from 'zlib';
import { cleanTmp, featureFleet, readDir, tmpDir } from './fixtures';

afterEach(cleanTmp);

/** The feature fleet and two more clusters of the same shape under other names. */
function fleet(): ClusterSpec[] {
  const [alpha, beta] = featureFleet();
  return [alpha, beta, { ...alpha, cluster: { ...alpha.cluster, name: 'gamma' } }, { ...beta, cluster: { ...beta.cluster, name: 'delta' } }];
}

/** How many constructs a chart holds, read without going through its node's public members (which would create them). */
function childCount(chart: Construct): number {
  return Object.keys((chart.node as unknown as { _children?: object })._children ?? {}).length;
}

/** The files `synth()` of a fresh app (FleetApp or cdk8s's App) writes after `build`. */
function synth(Ctor: typeof App, build: (app: App) => void, props: { resolvers?: IResolver[] } = {}): Record<string, string> {
  const outdir = path.join(tmpDir(), 'dist');
  const app = new Ctor({ outdir, ...props });
  build(app);
  app.synth();
  return readDir(outdir);
}

/** addFleet, then every chart's objects created at once: what addFleet built before charts were compact. */
function eagerFleet(app: App, specs: readonly ClusterSpec[]): ClusterChart[] {
  const charts = addFleet(app, specs);
  for (const c of charts) void c.parts;
  return charts;
}

/**
 * One way of reaching into the fleet's charts, applied to the compact and to the eager app alike;
 * returns what it saw (construct paths, objects' JSON), to be compared as well.
 */
type Op = (charts: readonly ClusterChart[], app: App) => unknown;

/** Operation `name` on chart i (and j), as step k of a sequence. */
const OPS: Record<string, (i: number, j: number, k: number) => Op> = {
  'label on an object (parts)': (i) => (charts) => { charts[i].parts.get('control-plane')![1].metadata.addLabel('patched', 'yes'); },
  'addJsonPatch on an object (parts)': (i) => (charts) => { charts[i].parts.get('cluster')![1].addJsonPatch(JsonPatch.add('/metadata/annotations', { patched: 'yes' })); },
  'an add-on construct added under a chart': (i, _j, k) => (charts) => {
    new ApiObject(new Construct(charts[i], `extra-${k}`), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${charts[i].cluster.name}-extra-${k}` } });
  },
  'a dependency between charts': (i, j) => (charts) => { if (i !== j) charts[i].addDependency(charts[j]); },
  'a dependency between objects of a chart': (i) => (charts) => {
    const [cluster] = charts[i].parts.get('cluster')!;
    cluster.addDependency(charts[i].parts.get('control-plane')![1]);
  },
  'a dependency between objects of two charts': (i, j) => (charts) => { charts[i].parts.get('cluster')![0].addDependency(charts[j].parts.get('control-plane')![0]); },
  'node.findAll': (i) => (charts) => charts[i].node.findAll().map((c) => c.node.path),
  'node.tryFindChild': (i) => (charts) => charts[i].node.tryFindChild('cluster-Cluster')?.node.path,
  'node.children': (i) => (charts) => charts[i].node.children.map((c) => c.node.path),
  'Testing.synth': (i) => (charts) => Testing.synth(charts[i]),
};

describe('an untouched ClusterChart creates no ApiObjects', () => {
  test('under FleetApp, addFleet and new ClusterChart write renderFleet\'s files without creating any object', () => {
    const specs = fleet();
    let charts: ClusterChart[] = [];
    const files = synth(FleetApp, (app) => {
      charts = addFleet(app, specs.slice(0, 3));
      charts.push(new ClusterChart(app, { spec: specs[3] }));
      expect(charts.map(childCount)).toEqual([0, 0, 0, 0]);
    });
    expect(files).toEqual(Object.fromEntries(renderFleet(specs).files));
    expect(charts.map(childCount)).toEqual([0, 0, 0, 0]);
  });

  test('reading parts creates the objects of that chart only, as an eager chart has them', () => {
    const app = Testing.app();
    const charts = addFleet(app, fleet());
    const parts = charts[1].parts;
    const objects = [...parts.values()].flat();
    expect(objects.length).toBeGreaterThan(10);
    expect(charts.map(childCount)).toEqual([0, objects.length, 0, 0]);
    expect([...parts.keys()]).toEqual(['cluster', 'control-plane', 'workers-md-0', 'workers-md-1', 'metrics']);
    expect(parts.get('control-plane')!.map((o) => o.node.id)).toEqual(['control-plane-DockerMachineTemplate', 'control-plane-KubeadmControlPlane', 'control-plane-MachineHealthCheck']);
    expect(charts[1].node.children).toEqual(objects);
    expect(charts[1].parts).toBe(parts);
  });
});

describe('every way of reaching into a compact chart gives what the eager chart gives', () => {
  const specs = fleet();
  for (const [name, op] of Object.entries(OPS)) {
    for (const Ctor of [FleetApp, App]) {
      test(`${name}, under ${Ctor.name}`, () => {
        const apply = op(1, 2, 0);
        let charts: ClusterChart[] = [];
        const seen: unknown[] = [];
        const lazy = synth(Ctor, (app) => { charts = addFleet(app, specs); seen.push(apply(charts, app)); });
        expect(lazy).toEqual(synth(Ctor, (app) => { seen.push(apply(eagerFleet(app, specs), app)); }));
        expect(seen[0]).toEqual(seen[1]);
        // the charts no operation reached have no objects under FleetApp
        if (Ctor === FleetApp) expect(childCount(charts[0])).toBe(0);
      });
    }
  }

  test('Testing.synth of a compact chart equals that of the eager chart', () => {
    const lazy = addFleet(Testing.app(), specs);
    const eager = eagerFleet(Testing.app(), specs);
    expect(Testing.synth(lazy[2])).toEqual(Testing.synth(eager[2]));
    expect(lazy[3].toJson()).toEqual(eager[3].toJson());
  });

  test('an app with a resolver of its own: its charts have their objects, resolved by it', () => {
    const resolver: IResolver = { resolve: (ctx: ResolutionContext) => { if (ctx.value === 'calico') ctx.replaceValue('cilium'); } };
    let charts: ClusterChart[] = [];
    const files = synth(FleetApp, (app) => { charts = addFleet(app, specs); }, { resolvers: [resolver] });
    expect(charts.every((c) => childCount(c) > 0)).toBe(true);
    expect(files).toEqual(synth(App, (app) => eagerFleet(app, specs), { resolvers: [resolver] }));
    expect(files['alpha.k8s.yaml']).toContain('cilium');
    expect(files).not.toEqual(Object.fromEntries(renderFleet(specs).files));
  });

  test('a compact chart nested in another chart', () => {
    const build = (eager: boolean) => (app: App) => {
      const parent = new Chart(app, 'parent');
      new ApiObject(parent, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'parent' } });
      const chart = new ClusterChart(parent, { spec: specs[0] });
      if (eager) void chart.parts;
    };
    const lazy = synth(FleetApp, build(false));
    expect(lazy).toEqual(synth(FleetApp, build(true)));
    expect(lazy).toEqual(synth(App, build(true)));
  });
});

test('property: any sequence of operations on a compact fleet gives the eager fleet\'s output; untouched charts stay compact', () => {
  const specs = fleet();
  const names = Object.keys(OPS);
  const step = fc.tuple(fc.constantFrom(...names), fc.nat(specs.length - 1), fc.nat(specs.length - 1));
  fc.assert(fc.property(fc.array(step, { maxLength: 6 }), fc.boolean(), (steps, plainApp) => {
    const Ctor = plainApp ? App : FleetApp;
    const ops = steps.map(([name, i, j], k) => OPS[name](i, j, k));
    let charts: ClusterChart[] = [];
    const seen: unknown[][] = [[], []];
    // the files, or the error (a dependency cycle)
    const outcome = (build: (app: App) => void) => { try { return synth(Ctor, build); } catch (e) { return { error: (e as Error).message }; } };
    const lazy = outcome((app) => { charts = addFleet(app, specs); for (const op of ops) seen[0].push(op(charts, app)); });
    const eager = outcome((app) => { const c = eagerFleet(app, specs); for (const op of ops) seen[1].push(op(c, app)); });
    expect(lazy).toEqual(eager);
    expect(seen[0]).toEqual(seen[1]);
    if (!plainApp) {
      // a chart no operation reached (nor a dependency) still has no objects
      const touched = new Set(steps.flatMap(([name, i, j]) => (name === 'a dependency between charts' ? (i === j ? [] : [i, j]) : name === 'a dependency between objects of two charts' ? [i, j] : [i])));
      charts.forEach((c, k) => { if (!touched.has(k)) expect(childCount(c)).toBe(0); });
    }
  }), { numRuns: 25 });
});

describe('addFleet checks as before', () => {
  test('a compact chart\'s objects are defined in the app: a second definition is refused, naming the chart, and creates nothing', () => {
    const app = Testing.app();
    const [alpha] = featureFleet();
    const [first] = addFleet(app, [alpha]);
    expect(() => addFleet(app, [{ ...alpha, cluster: { ...alpha.cluster, name: 'other' } }, alpha])).toThrow(/clusters\[1\]\.cluster\.name: "alpha" is taken/);
    let error: unknown;
    try {
      new Cluster(new Chart(app, 'hand'), 'cluster', alpha.cluster);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'ValidationError' });
    expect((error as Error).message).toContain('already by ClusterChart "alpha"');
    expect(app.node.children.map((c) => c.node.id)).toEqual(['alpha', 'hand']);
    expect(childCount(first)).toBe(0);
  });
});

test('a compact chart keeps its deflated YAML and JSON in buffers of their own size, not in zlib\'s 16 KB output chunks', () => {
  const [alpha] = featureFleet();
  // zlib's result is a view of a larger chunk (what would stay alive with it)
  const raw = zlib.deflateRawSync('x'.repeat(1000), { level: 1 });
  expect(raw.buffer.byteLength).toBeGreaterThan(raw.byteLength);
  // what ClusterChart and addFleet keep: made on the calling thread, and sent by a render thread
  const outs: ClusterOutput[] = [clusterOutput(renderClusterSpec(alpha), 0, '.k8s.yaml')];
  for (const parallel of [false, true]) forEachClusterOutputWith(featureFleet(), '.k8s.yaml', (o) => outs.push(o), { parallel });
  for (const out of outs) for (const b of [out.yaml, out.json!]) expect(b.buffer.byteLength).toBe(b.byteLength);
});

test('a cluster whose objects JSON cannot carry exactly (-0) gets its ApiObjects right away, and the output cdk8s gives them', () => {
  const [alpha] = featureFleet();
  const lazyComponent = {
    id: 'lazy',
    render: (c: { name: string; namespace: string }) => ({
      manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${c.name}-lazy`, namespace: c.namespace }, spec: { offset: -0 } }],
      warnings: [],
    }),
  };
  const spec: ClusterSpec = { ...alpha, components: [...alpha.components!, lazyComponent as never] };
  let charts: ClusterChart[] = [];
  const files = synth(FleetApp, (app) => {
    charts = addFleet(app, [spec]);
    charts.push(new ClusterChart(app, { spec: { ...spec, cluster: { ...spec.cluster, name: 'omega' } } }));
    expect(charts.map((c) => childCount(c) > 0)).toEqual([true, true]);
  });
  expect(files['alpha.k8s.yaml']).toContain('offset: ');
  expect(files).toEqual(synth(App, (app) => {
    addFleet(app, [spec]);
    new ClusterChart(app, { spec: { ...spec, cluster: { ...spec.cluster, name: 'omega' } } });
  }));
  expect([...charts[0].parts.keys()]).toContain('lazy');
});

test('a compact chart in a tree locked since gets its objects like the eager chart had them', () => {
  const [alpha] = featureFleet();
  const app = Testing.app();
  const [chart] = addFleet(app, [alpha]);
  app.node.lock();
  const eager = eagerFleet(Testing.app(), [alpha]);
  expect(chart.node.children.map((c) => c.node.path)).toEqual(eager[0].node.children.map((c) => c.node.path));
  expect(chart.node.locked).toBe(true);
  expect(() => new Construct(chart, 'late')).toThrow(/during synthesis/);
  expect(Testing.synth(chart)).toEqual(Testing.synth(eager[0]));
});
