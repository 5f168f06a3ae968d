/**
 * Issue 31: writeFleet and forEachClusterOutput render on render threads (render-pool.ts) with the
 * output, warnings and errors of the calling thread: byte-identical files on a fleet of every provider
 * and add-on, also when it mixes specs the threads get (portable-spec.ts) with specs rendered on the
 * calling thread (hand-written components, a hand-written machine template); the same ValidationError
 * for invalid fleets, with nothing published; a render thread that cannot load is an error, not a hang.
 */
import * as fs from 'fs';
import * as path from 'path';
import { addonComponent, ClusterSpec, MachineTemplate, renderFleet, writeFleet } from '../../lib/core';
import { ClusterOutput, forEachClusterOutputWith, outputYaml } from '../../lib/core/fleet/cluster-output';
import { encodeSpec } from '../../lib/core/fleet/portable-spec';
import { setRenderThreadModule } from '../../lib/core/fleet/render-pool';
import { ValidationError } from '../../lib/core/rules/errors';
import { fleetSpecs } from '../../bench/fleet-gen';
import { cleanTmp, featureFleet, readDir, tmpDir } from './fixtures';

afterAll(cleanTmp);

/** A hand-written component (a closure): not portable, rendered on the calling thread. */
const handWritten = (tag: string): NonNullable<ClusterSpec['components']>[number] => ({
  id: `hand-${tag}`,
  render: (c) => ({ manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${c.name}-${tag}`, namespace: c.namespace }, data: { zero: -0 as unknown as string } }], warnings: [{ path: 'x', message: `hand-written ${tag}` }] }),
});

/** A machine template written by hand (a plain object with a check function): not portable. */
const userTemplate: MachineTemplate = {
  apiGroup: 'infrastructure.cluster.x-k8s.io', version: 'v1beta2', kind: 'DockerMachineTemplate', spec: { customImage: 'kindest/node:v1.31.4' }, warnings: [],
  validateFor: (_role, problems, at) => problems.warn(at, 'checked by hand'),
};

/** The bench fleet (every provider, add-ons from addonComponent: portable), every 3rd cluster with a hand-written component, every 7th with a hand-written template. */
function mixedFleet(n: number): ClusterSpec[] {
  return fleetSpecs(n).map((s, i) => ({
    ...s,
    components: i % 3 === 1 ? [...(s.components ?? []), handWritten(String(i))] : s.components,
    workers: i % 7 === 2 ? s.workers!.map((w, k) => (k === 0 ? { ...w, machineTemplate: userTemplate } : w)) : s.workers,
  }));
}

function write(specs: readonly ClusterSpec[], parallel: boolean) {
  const out = path.join(tmpDir(), 'out');
  const r = writeFleet(out, specs, { parallel });
  return { ...r, content: readDir(out) };
}

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('nothing was thrown');
}

const errorShape = (e: ValidationError) => ({ message: e.message, issues: e.issues, subject: e.subject, name: e.name });

beforeAll(() => {
  process.env.CAPI_CONSTRUCTS_WARNINGS = 'silent';
});

describe('writeFleet on render threads', () => {
  it('writes the fleet of every provider and add-on byte for byte as on the calling thread, with the same warnings', () => {
    const specs = fleetSpecs(40);
    // every spec goes to the threads
    expect(specs.every((s) => encodeSpec(s) !== undefined)).toBe(true);
    const threads = write(specs, true);
    const inline = write(specs, false);
    expect(threads.content).toEqual(inline.content);
    expect(threads.files).toEqual(inline.files);
    expect(threads.warnings).toEqual(inline.warnings);
    expect(threads.objectCount).toBe(inline.objectCount);
    expect(Object.keys(threads.content)).toHaveLength(40);
  });

  it('a fleet mixing portable and non-portable specs: the same bytes, warnings and order', () => {
    const specs = mixedFleet(45);
    expect(specs.filter((s) => encodeSpec(s) === undefined).length).toBeGreaterThan(10);
    const threads = write(specs, true);
    const inline = write(specs, false);
    expect(threads.content).toEqual(inline.content);
    expect(threads.files).toEqual(inline.files);
    expect(threads.warnings).toEqual(inline.warnings);
    expect(threads.warnings.some((w) => w.warning.message === 'hand-written 1')).toBe(true);
    expect(threads.warnings.some((w) => w.warning.message === 'checked by hand')).toBe(true);
    expect(threads.content['fleet-0001.k8s.yaml']).toMatch(/zero: -0\n/);
  });

  it('the feature fleet (hand-written components only) gives the same files', () => {
    const specs = [...featureFleet(), ...featureFleet().map((s) => ({ ...s, cluster: { ...s.cluster, name: `${s.cluster.name}-2` } }))];
    expect(write(specs, true).content).toEqual(write(specs, false).content);
  });

  it.each([
    ['several invalid clusters', (s: ClusterSpec[]) => {
      s[3] = { ...s[3], cluster: { ...s[3].cluster, kubernetesVersion: 'v1.31' } };
      s[20] = { ...s[20], workers: [{ ...s[20].workers![0], scaling: { min: 5, max: 2 } }] };
      s[41] = { ...s[41], controlPlane: { ...s[41].controlPlane, replicas: 2 } };
    }],
    ['duplicate cluster names', (s: ClusterSpec[]) => {
      s[30] = { ...s[30], cluster: { ...s[30].cluster, name: s[2].cluster.name } };
      s[31] = { ...s[31], cluster: { ...s[31].cluster, name: s[2].cluster.name } };
    }],
    ['an invalid non-portable cluster and an invalid portable one', (s: ClusterSpec[]) => {
      s[4] = { ...s[4], cluster: { ...s[4].cluster, kubernetesVersion: '1.x' } }; // mixedFleet: cluster 4 has a hand-written component
      s[9] = { ...s[9], cluster: { ...s[9].cluster, cni: 'weave' as never } };
      s[10] = { ...s[10], components: [...s[10].components!, { id: 'bad', render: () => ({ manifests: 'no' }) } as never] };
    }],
    ['a problem in the last cluster only', (s: ClusterSpec[]) => {
      s[s.length - 1] = { ...s[s.length - 1], workers: 'none' as never };
    }],
  ])('%s: the same ValidationError, nothing published, no leftovers', (_name, spoil) => {
    const specs = mixedFleet(45);
    spoil(specs);
    const out = path.join(tmpDir(), 'out');
    writeFleet(out, fleetSpecs(2), { parallel: false });
    const before = readDir(out);
    const threads = errorOf(() => writeFleet(out, specs, { parallel: true }));
    const inline = errorOf(() => writeFleet(out, specs, { parallel: false }));
    expect(errorShape(threads)).toEqual(errorShape(inline));
    expect(threads.issues.length).toBeGreaterThan(0);
    expect(readDir(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['out']);
    const outputs = errorOf(() => forEachClusterOutputWith(specs, '.k8s.yaml', () => undefined, { parallel: true }));
    expect(errorShape(outputs)).toEqual(errorShape(inline));
  });

  it('an error other than a ValidationError is thrown as on the calling thread', () => {
    const specs = fleetSpecs(40);
    specs[12] = { ...specs[12], components: [{ id: 'boom', render: () => { throw new RangeError('boom in a component'); } }] };
    expect(() => writeFleet(path.join(tmpDir(), 'out'), specs, { parallel: false })).toThrow(RangeError);
    expect(() => writeFleet(path.join(tmpDir(), 'out'), specs, { parallel: true })).toThrow(RangeError);
  });

  it('render threads that cannot load their module give an error, not a hang, and publish nothing', () => {
    const out = path.join(tmpDir(), 'out');
    setRenderThreadModule(path.join(tmpDir(), 'missing-render-worker.js'));
    try {
      expect(() => writeFleet(out, fleetSpecs(40), { parallel: true })).toThrow(/writeFleet: a render thread could not start: Cannot find module/);
      expect(() => forEachClusterOutputWith(fleetSpecs(40), '.k8s.yaml', () => undefined, { parallel: true })).toThrow(/a render thread could not start/);
    } finally {
      setRenderThreadModule(undefined);
    }
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(path.dirname(out))).toEqual([]);
  });
});

describe('forEachClusterOutput on render threads', () => {
  it('hands on the same ClusterOutputs, in fleet order, as the calling thread', () => {
    const specs = mixedFleet(40);
    const collect = (parallel: boolean) => {
      const outs: ClusterOutput[] = [];
      forEachClusterOutputWith(specs, '.k8s.yaml', (o) => outs.push(o), { parallel });
      return outs;
    };
    const threads = collect(true);
    const inline = collect(false);
    expect(threads.map((o) => o.index)).toEqual(specs.map((_, i) => i));
    expect(threads).toEqual(inline);
    const files = renderFleet(specs).files;
    for (const o of threads) {
      expect(Buffer.isBuffer(o.yaml)).toBe(true);
      expect(outputYaml(o)).toBe(files.get(o.file));
    }
  });

  it('an addonComponent changed after it was made is rendered on the calling thread, with its changes', () => {
    const specs = fleetSpecs(36);
    const changed = addonComponent({ addon: 'kuberay', mode: 'tenant' }, 'ray');
    (changed as { id: string }).id = 'ray-renamed';
    specs[5] = { ...specs[5], components: [changed] };
    expect(encodeSpec(specs[5])).toBeUndefined();
    const threads = write(specs, true);
    expect(threads.content).toEqual(write(specs, false).content);
  });
});
