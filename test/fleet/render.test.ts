/**
 * The direct core render (renderFleet/writeFleet) against real cdk8s synthesis: the same files, byte
 * for byte, as `App.synth()` writes for the natural constructs in one Chart per cluster, in a
 * FleetChart per cluster, and for ClusterChart/addFleet.
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { ApiObject, App, Chart, Testing, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import {
  addFleet, Cluster, ClusterSpec, ControlPlaneGroup, FleetApp, FleetChart, renderFleet, setWarningHandler, WorkerGroup, writeFleet,
} from '../../lib';
import { stringifyManifests, toCdk8sJson } from '../../lib/core/output/yaml';
import { emit } from '../../lib/cdk8s/emit';
import { cleanTmp, featureFleet, readDir, synthApp, tmpDir } from './fixtures';
import { cdk8sYamlStringify, hasSaferStrings, writtenSaferThanCdk8s } from '../support/cdk8s-yaml';

afterEach(cleanTmp);

/** The code a user writes by hand: the constructs one after the other in a chart. */
function natural(chart: Construct, spec: ClusterSpec): void {
  const cluster = new Cluster(chart, 'cluster', spec.cluster);
  new ControlPlaneGroup(chart, 'control-plane', { ...spec.controlPlane, cluster });
  for (const w of spec.workers ?? []) new WorkerGroup(chart, `workers-${w.name}`, { ...w, cluster });
  for (const c of spec.components ?? []) emit(new Construct(chart, c.id), c.id, c.render(cluster));
}

describe('direct render is byte-identical to cdk8s synth', () => {
  const specs = featureFleet();

  test('examples/fleet.ts: writeFleet writes what the example app (addFleet) synthesizes, add-on components included', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const example = require('../../examples/fleet') as typeof import('../../examples/fleet');
    const cdk8s = synthApp((app) => example.default(app));
    const out = path.join(tmpDir(), 'out');
    writeFleet(out, example.fleet);
    expect(readDir(out)).toEqual(cdk8s);
    expect(Object.keys(cdk8s)).toEqual(['fleet-eu-1.k8s.yaml', 'fleet-eu-2.k8s.yaml', 'fleet-us-1.k8s.yaml']);
    // every cluster has its components (CNI, cloud controller manager); only the eu clusters have the add-on
    for (const f of Object.values(cdk8s)) expect(f).toContain('name: fleet-');
    expect(cdk8s['fleet-eu-1.k8s.yaml']).toMatch(/kind: HelmRelease\nmetadata:\n(.*\n)*?  name: jupyterhub-/);
    expect(cdk8s['fleet-us-1.k8s.yaml']).not.toContain('jupyterhub');
    expect(cdk8s['fleet-us-1.k8s.yaml']).toContain('name: fleet-us-1-cloud-controller');
  });

  test('against the natural constructs in one plain Chart per cluster', () => {
    const cdk8s = synthApp((app) => { for (const s of specs) natural(new Chart(app, s.cluster.name), s); });
    const out = path.join(tmpDir(), 'out');
    writeFleet(out, specs);
    const core = readDir(out);
    expect(Object.keys(core)).toEqual(['alpha.k8s.yaml', 'beta.k8s.yaml']);
    expect(core).toEqual(cdk8s);
    // the fixture really covers the features: both API versions, OnDelete, autoscaling, quoting of YAML 1.1 booleans
    expect(core['alpha.k8s.yaml']).toContain('apiVersion: cluster.x-k8s.io/v1beta2');
    expect(core['beta.k8s.yaml']).toContain('apiVersion: cluster.x-k8s.io/v1beta1');
    expect(core['beta.k8s.yaml']).toContain('revisionHistoryLimit: 3');
    expect(core['alpha.k8s.yaml']).toContain('type: OnDelete');
    expect(core['alpha.k8s.yaml']).toContain('cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size: "10"');
    expect(core['alpha.k8s.yaml']).toContain('"yes": "no"');
  });

  test('against FleetChart + constructs and against addFleet (ClusterChart)', () => {
    const viaFleetChart = synthApp((app) => { for (const s of specs) natural(new FleetChart(app, s.cluster.name), s); });
    const viaAddFleet = synthApp((app) => { addFleet(app, specs); });
    const files = renderFleet(specs).files;
    expect(Object.fromEntries(files)).toEqual(viaFleetChart);
    expect(Object.fromEntries(files)).toEqual(viaAddFleet);
  });

  test('against FleetApp with plain Charts and with ClusterCharts', () => {
    const files = Object.fromEntries(renderFleet(specs).files);
    const outdir = path.join(tmpDir(), 'dist');
    const app = new FleetApp({ outdir });
    for (const s of specs) natural(new Chart(app, s.cluster.name), s);
    app.synth();
    expect(readDir(outdir)).toEqual(files);
    const outdir2 = path.join(tmpDir(), 'dist');
    const app2 = new FleetApp({ outdir: outdir2 });
    addFleet(app2, specs);
    app2.synth();
    expect(readDir(outdir2)).toEqual(files);
  });

  test('renderFleet counts the objects and writes them in construct order', () => {
    const r = renderFleet(specs);
    const kinds = r.files.get('alpha.k8s.yaml')!.split('---\n').map((d) => /^kind: (\S+)$/m.exec(d)![1]);
    expect(kinds).toEqual([
      'DockerCluster', 'Cluster', 'HelmRepository', 'HelmRelease',
      // the cluster-autoscaler (a group is autoscaled), emitted with the cluster
      'HelmRepository', 'HelmRelease',
      'DockerMachineTemplate', 'KubeadmControlPlane', 'MachineHealthCheck',
      ...['general', 'batch', 'ingress'].flatMap(() => ['DockerMachineTemplate', 'KubeadmConfigTemplate', 'MachineDeployment', 'MachineHealthCheck']),
      'HelmRelease',
    ]);
    const total = [...r.files.values()].reduce((n, f) => n + f.split('---\n').length, 0);
    expect(r.objectCount).toBe(total);
  });
});

describe('toCdk8sJson + stringifyManifests reproduce ApiObject.toJson + Yaml.stringify', () => {
  // letter-initial identifiers are written without calling the yaml package: hammer that fast path
  const ident = fc.stringMatching(/^[A-Za-z][A-Za-z0-9._/-]{0,4}$/);
  const key = fc.oneof(ident, fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec', 'a', 'B', '0', 'yes', 'null', '<<', 'x y', 'k: v', '-'), fc.string({ maxLength: 6 }));
  const scalar = fc.oneof(
    ident,
    fc.string({ maxLength: 12 }),
    fc.constantFrom('', 'yes', 'No', 'on', 'OFF', 'y', 'null', '~', '1e3', '0x1F', '012', '1:20', '2001-12-14', '.inf', '- a', '# x', 'a: b', 'a\nb', ' lead', 'trail ', '"q"', "'s'", '@x', '*a', '&a', '!t', '%p', '|', '>',
      '---', '--- x', '...', 'a\n---\nb', 'a #b', 'a#b', 'a\tb', 'ünï', 'v1.31.4', '10.244.0.0/16', '25%', 'False', 'x'.repeat(120), 'a b c', '?', '? x', '-1', '+1', '1_000', '0o7', '=', '<<',
      'line1\nline2', 'l1\n\nl3', 'l1\n', '  ind\nx', 'a: b\n- c', 'q"x', "q'x", 'q"\'x', 'b\\s', 't\tx', '\u0085x', 'a\u2028b', 'sum(rate(x{a="b"}[5m])) > 0', 'Inspect with: flux get', '{{ $labels.name }}', '1G', '2026.11.0', 'https://x.io/a'),
    fc.string({ unit: 'grapheme', maxLength: 5 }),
    fc.integer(), fc.double({ noNaN: true }), fc.double(), fc.constantFrom(-0, 1e21, 0.1, 2 ** 53), fc.boolean(), fc.constant(null),
  );
  const multiLine = fc.array(fc.oneof(fc.constantFrom('', ' ', 'a', 'b: c', '#x', '---', '- x', '"', "'", '  y'), fc.string({ maxLength: 4 })), { minLength: 2, maxLength: 4 }).map((ls) => ls.join('\n'));
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, scalar, multiLine, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 4 }), fc.constantFrom([], {}, [[]], [{}], [[1, 'a']], { a: [] })),
  })).v;
  const labels = fc.dictionary(fc.constantFrom('a', 'b.example.com/c', 'z'), fc.constantFrom('', 'x', 'true', '1'), { maxKeys: 3 });

  test('for arbitrary JSON bodies and metadata', () => {
    fc.assert(fc.property(fc.dictionary(key, value, { maxKeys: 5 }), labels, fc.option(labels, { nil: undefined }), (body, l, annotations) => {
      const manifest = { ...body, apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'n', namespace: 'ns', labels: l, annotations } } as any;
      const chart = new Chart(Testing.app(), 'c');
      const expected = cdk8sYamlStringify(new ApiObject(chart, 'o', structuredClone(manifest)).toJson());
      // strings cdk8s writes in a form Kubernetes misreads are written safer (test/conformance/kubernetes-yaml.test.ts)
      if (!hasSaferStrings(manifest)) expect(stringifyManifests([manifest])).toBe(expected);
      expect(toCdk8sJson(manifest)).toEqual(new ApiObject(chart, 'o2', structuredClone(manifest)).toJson());
    }), { numRuns: 1500 });
  });

  test('strings the YAML 1.1 schema would read as something else are quoted, in every position', () => {
    const tricky = ['multi\nline', 'a\n\nb', 'x: y', '"q"', "'s'", 'e0', 'E12', 'e-0', 'E-12', 'e-', 'e5x', 'n', 'Y', 'on', 'Off', 'NULL', 'Null', 'nulls', 'true', 'TRUE', 'tRue', '10s', '0x1F', '1:20', '.5', '2001-12-14', '<<', '~', ''];
    for (const t of tricky.filter((x) => !writtenSaferThanCdk8s(x))) {
      const manifest: any = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n' }, data: { [t]: t, list: [t, { [t]: [t] }] } };
      const expected = cdk8sYamlStringify(new ApiObject(new Chart(Testing.app(), 'c'), 'o', structuredClone(manifest)).toJson());
      expect(stringifyManifests([manifest])).toBe(expected);
    }
  });

  test('integer-like keys come first, as in the JS objects cdk8s builds', () => {
    const manifest: any = { 0: 'top', apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n', labels: { 2: 'x', a: 'y' } }, data: { 10: 'a', 9: 'b', x: { 1: [] }, '01': 'c' } };
    const expected = cdk8sYamlStringify(new ApiObject(new Chart(Testing.app(), 'c'), 'o', structuredClone(manifest)).toJson());
    expect(expected.startsWith('"0": top\n')).toBe(true);
    expect(stringifyManifests([manifest])).toBe(expected);
  });

  test('several documents are joined like Yaml.stringify', () => {
    const ms = [1, 2, 3].map((i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` }, data: { i: String(i) } }));
    expect(stringifyManifests(ms)).toBe(cdk8sYamlStringify(...ms.map((m) => new ApiObject(new Chart(Testing.app(), 'c'), 'o', m).toJson())));
  });
});

describe('renderFleet / writeFleet validation', () => {
  test('collects the problems of every cluster into one ValidationError with paths', () => {
    const [a, b] = featureFleet();
    const bad: ClusterSpec[] = [
      { ...a, workers: [...a.workers!, { ...a.workers![0], scaling: { min: 5, max: 2 } }] },
      { ...b, cluster: { ...b.cluster, kubernetesVersion: 'v1.30' } },
      { ...b },
    ];
    let err: any;
    try { renderFleet(bad); } catch (e) { err = e; }
    expect(err?.name).toBe('ValidationError');
    expect(err.statusCode).toBe(400);
    const paths = err.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['clusters[0].workers[3].name', 'clusters[0].workers[3].scaling.max', 'clusters[1].cluster.kubernetesVersion']));
    // cluster 2 repeats cluster "beta" only once cluster 1 is fixed; here cluster 1 failed, so no duplicate is reported
    expect(paths).not.toContain('clusters[2].cluster.name');
    expect(err.issues.find((i: any) => i.path === 'clusters[0].workers[3].name').message).toMatch(/"general" is already used by workers\[0\]/);
  });

  test('duplicate cluster names are an error (they name the files)', () => {
    const [a] = featureFleet();
    expect(() => renderFleet([a, a])).toThrow(/clusters\[1\]\.cluster\.name: "alpha" is already used by clusters\[0\]/);
  });

  test.each([
    ['null fleet', null],
    ['a string', 'fleet'],
    ['a null spec', [null]],
    ['spec without parts', [{}]],
    ['workers not a list', [{ ...featureFleet()[0], workers: 'w' }]],
    ['worker null', [{ ...featureFleet()[0], workers: [null] }]],
    ['control plane null', [{ ...featureFleet()[0], controlPlane: null }]],
    ['component without render', [{ ...featureFleet()[0], components: [{ id: 'x' }] }]],
  ])('%s: ValidationError, not a TypeError', (_label, input) => {
    let err: any;
    try { renderFleet(input as any); } catch (e) { err = e; }
    expect(err?.name).toBe('ValidationError');
    expect(err.issues.length).toBeGreaterThan(0);
  });

  test('bad input leaves an existing output directory untouched', () => {
    const out = path.join(tmpDir(), 'out');
    writeFleet(out, featureFleet());
    const before = readDir(out);
    const [a] = featureFleet();
    expect(() => writeFleet(out, [{ ...a, controlPlane: { ...a.controlPlane, replicas: 2 } }])).toThrow(/replicas/);
    expect(readDir(out)).toEqual(before);
    // no new generation left behind
    expect(fs.readdirSync(path.dirname(out))).toEqual(['out']);
  });

  test('an invalid cluster after valid ones (already written to the temp dir) leaves no trace either', () => {
    const out = path.join(tmpDir(), 'out');
    writeFleet(out, [featureFleet()[1]]);
    const before = readDir(out);
    const [a, b] = featureFleet();
    const bad: ClusterSpec = { ...a, cluster: { ...a.cluster, name: 'gamma' }, controlPlane: { ...a.controlPlane, replicas: 2 } };
    expect(() => writeFleet(out, [a, b, bad])).toThrow(/clusters\[2\]\.controlPlane\.replicas/);
    expect(readDir(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['out']);
    const r = writeFleet(out, [a, b]);
    expect(r.files).toEqual(['alpha.k8s.yaml', 'beta.k8s.yaml']);
    expect(r.outdir).toBe(path.resolve(out));
    expect(Object.keys(readDir(out))).toEqual(r.files);
  });

  test('a re-render replaces the previous files; foreign content is refused', () => {
    const out = path.join(tmpDir(), 'out');
    writeFleet(out, featureFleet());
    writeFleet(out, [featureFleet()[1]]);
    expect(Object.keys(readDir(out))).toEqual(['beta.k8s.yaml']);
    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
    expect(() => writeFleet(out, featureFleet())).toThrow(/holds files other than \*\.k8s\.yaml/);
    expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  test('warnings are returned and reported, not swallowed', () => {
    const [a] = featureFleet();
    const spec: ClusterSpec = { ...a, controlPlane: { ...a.controlPlane, replicas: 1, rollout: undefined } };
    const seen: string[] = [];
    const prev = setWarningHandler((subject, w) => seen.push(`${subject}: ${w.path}`));
    try {
      const r = writeFleet(path.join(tmpDir(), 'out'), [spec]);
      expect(r.warnings.map((w) => `${w.subject}: ${w.warning.path}`)).toEqual(seen);
      expect(seen).toContain('ControlPlaneGroup "alpha-control-plane": replicas');
    } finally {
      setWarningHandler(prev);
    }
  });
});

describe('App with many charts', () => {
  test('App.synth output of FleetCharts equals plain Charts, also with dependencies and nested charts', () => {
    const build = (Ctor: typeof Chart) => (app: App) => {
      for (const id of ['one', 'two']) {
        const chart = new Ctor(app, id);
        const a = new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${id}-a` } });
        const b = new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${id}-b` } });
        const group = new Construct(chart, 'group');
        new ApiObject(group, 'c', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${id}-c` } });
        a.addDependency(b); // b must come first
        b.node.addDependency(group); // and c before b
        const nested = new Ctor(chart, 'nested');
        a.addDependency(new ApiObject(nested, 'd', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${id}-d` } })); // cross-chart
      }
    };
    const plain = synthApp(build(Chart));
    expect(Object.keys(plain).filter((f) => f.includes('nested'))).toHaveLength(2);
    expect(synthApp(build(FleetChart as typeof Chart))).toEqual(plain);
    // chart.toJson() on its own (no App.synth to resolve the dependencies first)
    const charts = (Ctor: typeof Chart) => { const app = Testing.app(); build(Ctor)(app); return app.node.children as Chart[]; };
    expect(charts(FleetChart as typeof Chart).map((c) => c.toJson())).toEqual(charts(Chart).map((c) => c.toJson()));
    const one = Object.entries(plain).find(([f]) => f.endsWith('-one.k8s.yaml'))![1];
    expect(one.split('---\n').map((d) => /name: (\S+)/.exec(d)![1])).toEqual(['one-c', 'one-b', 'one-a']);
  });

  test('FleetApp writes what App writes: dependencies, nested charts, toJson overrides, other output types', () => {
    class Patched extends Chart {
      public toJson(): any[] { return super.toJson().map((o) => ({ ...o, extra: { added: [1, 'yes', null] } })); }
    }
    const build = (app: App) => {
      for (const id of ['one', 'two']) {
        const chart = new Chart(app, id);
        const a = new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${id}-a` }, data: { k: 'v' } });
        const b = new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${id}-b` } });
        a.addDependency(b);
        const nested = new Chart(chart, 'nested');
        a.addDependency(new ApiObject(nested, 'd', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${id}-d` } }));
      }
      new ApiObject(new Patched(app, 'patched'), 'p', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p' } });
    };
    const synth = (Ctor: typeof App, props: Record<string, unknown> = {}) => {
      const outdir = path.join(tmpDir(), 'dist');
      const app = new Ctor({ outdir, ...props });
      build(app);
      app.synth();
      return readDir(outdir);
    };
    const plain = synth(App);
    expect(Object.keys(plain).some((f) => /^\d{4}-/.test(f))).toBe(true); // indexed names (chart dependencies)
    expect(plain[Object.keys(plain).find((f) => f.includes('patched'))!]).toContain('- null');
    expect(synth(FleetApp)).toEqual(plain);
    expect(synth(FleetApp, { yamlOutputType: YamlOutputType.FILE_PER_RESOURCE })).toEqual(synth(App, { yamlOutputType: YamlOutputType.FILE_PER_RESOURCE }));
  });

  test('FleetApp validates the app before writing anything', () => {
    const outdir = path.join(tmpDir(), 'dist');
    const app = new FleetApp({ outdir });
    new ApiObject(new Chart(app, 'ok'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' } });
    new Construct(new Chart(app, 'bad'), 'x').node.addValidation({ validate: () => ['broken'] });
    expect(() => app.synth()).toThrow(/\[bad\/x\] broken/);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual([]);
  });

  test('FleetChart.toJson validates its constructs like Chart.toJson', () => {
    const chart = new FleetChart(Testing.app(), 'c');
    new Construct(chart, 'x').node.addValidation({ validate: () => ['broken'] });
    expect(() => chart.toJson()).toThrow(/\[c\/x\] broken/);
  });
});
