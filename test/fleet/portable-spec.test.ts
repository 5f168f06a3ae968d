/**
 * Issue 31: the portable encoding of fleet specs (lib/core/fleet/portable-spec.ts) that carries a spec
 * to a render thread. decode(structured clone(encode(spec))) renders exactly what the spec renders;
 * plain data comes back equal (also -0, NaN, undefined fields, bigint, frozen objects); values shared
 * within one message stay shared; whatever cannot be carried exactly is detected as not portable.
 */
import fc from 'fast-check';
import {
  addonComponent, ClusterSpec, CustomMachineTemplate, HealthCheck, OpenStackMachineTemplate, ProviderBootstrap,
  existingInfrastructureCluster,
} from '../../lib/core';
import { decodeEnvelope, decodeSpec, encodeSpec, Envelope, SpecEncoder } from '../../lib/core/fleet/portable-spec';
import { renderClusterSpec } from '../../lib/core/fleet/render';
import { stringifyManifests } from '../../lib/core/output/yaml';
import { ValidationError } from '../../lib/core/rules/errors';
import { clusterSpec } from '../../bench/fleet-gen';

/** What a thread gets: the encoding, through a structured clone, decoded. */
function roundTrip<T>(v: T): T {
  const e = encodeSpec(v);
  if (!e) throw new Error('not portable');
  return decodeSpec(structuredClone(e)) as T;
}

/** Everything a spec renders to: the file, the warnings, or the problems. */
function rendered(spec: unknown): unknown {
  try {
    const rc = renderClusterSpec(spec as ClusterSpec);
    return { yaml: stringifyManifests(rc.parts.flatMap((p) => p.manifests)), parts: rc.parts.map((p) => [p.id, p.subject, p.warnings]), ref: rc.ref };
  } catch (e) {
    if (e instanceof ValidationError) return { message: e.message, issues: e.issues };
    throw e;
  }
}

const plainKey = fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__');
const plain = fc.anything({ key: plainKey, maxDepth: 3, withBigInt: true, withNullPrototype: true });

describe('portable specs', () => {
  it('plain data comes back equal (property)', () => {
    fc.assert(fc.property(plain, fc.boolean(), (v, freeze) => {
      const value = freeze && v !== null && typeof v === 'object' ? Object.freeze(v) : v;
      const back = roundTrip(value);
      expect(back).toStrictEqual(value);
      if (value !== null && typeof value === 'object') {
        expect(Object.isFrozen(back)).toBe(Object.isFrozen(value));
        expect(Object.getPrototypeOf(back) === null).toBe(Object.getPrototypeOf(value) === null);
      }
    }));
  });

  it('a spec of the bench fleet (every provider, add-ons, health checks), changed at random, renders the same after the round trip (property)', () => {
    const change = fc.record({
      index: fc.nat({ max: 9999 }),
      version: fc.constantFrom('v1.31.4', 'v1.30.8', 'v1.31', '1.31.4', 'x'),
      replicas: fc.option(fc.integer({ min: -1, max: 7 }), { nil: undefined }),
      label: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
      freezeWorkers: fc.boolean(),
      dropComponents: fc.boolean(),
      scaling: fc.option(fc.record({ min: fc.integer({ min: 0, max: 5 }), max: fc.integer({ min: 0, max: 5 }) }), { nil: undefined }),
    });
    fc.assert(fc.property(change, (c) => {
      const base = clusterSpec(c.index);
      const workers = base.workers!.map((w, i) => (i === 1 && c.scaling ? { ...w, scaling: c.scaling } : w));
      const spec: ClusterSpec = {
        ...base,
        cluster: { ...base.cluster, kubernetesVersion: c.version, labels: c.label === undefined ? base.cluster.labels : { ...base.cluster.labels, 'x.example.com/l': c.label } },
        controlPlane: c.replicas === undefined ? base.controlPlane : { ...base.controlPlane, replicas: c.replicas },
        workers: c.freezeWorkers ? Object.freeze(workers) : workers,
        components: c.dropComponents ? undefined : base.components,
      };
      expect(rendered(roundTrip(spec))).toEqual(rendered(spec));
    }), { numRuns: 40 });
  });

  it('instances come back with their class and fields, without running the constructor; shared values stay shared in one message', () => {
    const t = new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
    const hc = HealthCheck.workers({ maxUnhealthy: 2 });
    const infra = existingInfrastructureCluster({ version: 'v1beta1', kind: 'OpenStackCluster' });
    const enc = new SpecEncoder();
    expect(enc.add({ t, hc, infra })).toBe(0);
    expect(enc.add({ t, again: t })).toBe(1);
    const [x, y] = decodeEnvelope(structuredClone(enc.envelope) as Envelope) as [{ t: CustomMachineTemplate; hc: HealthCheck; infra: typeof infra }, { t: CustomMachineTemplate; again: CustomMachineTemplate }];
    expect(Object.getPrototypeOf(x.t)).toBe(CustomMachineTemplate.prototype);
    expect(x.t).toEqual(t);
    expect(x.hc).toBeInstanceOf(HealthCheck);
    expect(x.hc).toEqual(hc);
    expect(y.t).toBe(x.t);
    expect(y.again).toBe(x.t);
    expect(Object.isFrozen(x.infra)).toBe(true);
    expect(x.infra.bootstrap).toEqual(ProviderBootstrap.openstack());
  });

  it('a value that is not portable leaves nothing in the message: a template it shared with the next value still comes back whole', () => {
    const t = new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
    const enc = new SpecEncoder();
    expect(enc.add({ list: [{ t }, () => 1] })).toBe(-1);
    expect(enc.add({ list: [{ t }] })).toBe(0);
    // the clone would fail on the function if anything of the first value had stayed in the message
    const [back] = decodeEnvelope(structuredClone(enc.envelope) as Envelope) as [{ list: [{ t: CustomMachineTemplate }] }];
    expect(Object.getPrototypeOf(back.list[0].t)).toBe(CustomMachineTemplate.prototype);
    expect(back.list[0].t).toEqual(t);
  });

  it('an addonComponent comes back as addonComponent(props, id)', () => {
    const c = addonComponent({ addon: 'kuberay', mode: 'tenant' }, 'ray');
    const back = roundTrip(c);
    expect(back.id).toBe('ray');
    expect(back.subject).toBe(c.subject);
    expect(back.props).toEqual(c.props);
    const spec = { ...clusterSpec(1), components: [c] };
    expect(rendered(roundTrip(spec))).toEqual(rendered(spec));
  });

  it.each<[string, () => unknown]>([
    ['a hand-written component (a closure)', () => ({ id: 'x', render: () => ({ manifests: [], warnings: [] }) })],
    ['a function anywhere', () => ({ a: [1, { f: () => 1 }] })],
    ['a getter', () => ({ get a() { return 1; } })],
    ['a setter', () => Object.defineProperty({}, 'a', { set: () => undefined, enumerable: true })],
    ['a hidden field', () => Object.defineProperty({}, 'a', { value: 1, enumerable: false })],
    ['a read-only field of an object that is not frozen', () => Object.defineProperty({}, 'a', { value: 1, enumerable: true })],
    ['a sealed object', () => Object.seal({ a: 1 })],
    ['a symbol key', () => ({ [Symbol('s')]: 1 })],
    ['an own field named __proto__', () => ({ a: JSON.parse('{"__proto__": {"x": 1}}') })],
    ['a symbol value', () => ({ a: Symbol('s') })],
    ['a Proxy', () => ({ a: new Proxy({}, {}) })],
    ['a Proxy of a list', () => new Proxy([1], {})],
    ['a cycle', () => { const o: Record<string, unknown> = {}; o.self = { o }; return o; }],
    ['a Map', () => ({ a: new Map() })],
    ['a Date', () => ({ a: new Date(0) })],
    ['a RegExp', () => ({ a: /x/ })],
    ['a sealed null-prototype object', () => ({ a: Object.seal(Object.assign(Object.create(null), { x: 1 })) })],
    ['a list with a hole', () => ({ a: [1, , 2] })], // eslint-disable-line no-sparse-arrays
    ['a list with an extra field', () => ({ a: Object.assign([1], { x: 1 }) })],
    ['a subclass of a library class', () => ({ t: new (class extends CustomMachineTemplate {})({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: {} }) })],
    ['an instance with a function field', () => ({ t: Object.assign(new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: {} }), { validateFor: () => undefined }) })],
    ['an instance of an unknown class', () => ({ a: new (class A { x = 1; })() })],
    ['an addonComponent whose id was changed', () => Object.assign(addonComponent({ addon: 'kuberay' }), { id: 'other' })],
    ['an addonComponent whose render was replaced', () => Object.assign(addonComponent({ addon: 'kuberay' }), { render: () => ({ manifests: [], warnings: [] }) })],
    ['an addonComponent with an extra field', () => Object.assign(addonComponent({ addon: 'kuberay' }), { extra: 1 })],
    ['an addonComponent whose props name another add-on now', () => { const props = { addon: 'kuberay' as const }; const c = addonComponent(props); (props as { addon: string }).addon = 'jupyterhub'; return c; }],
    ['an addonComponent copied by spreading (its render is a closure)', () => ({ ...addonComponent({ addon: 'kuberay' }) })],
    ['an object looking like an addonComponent', () => ({ id: 'kuberay', subject: 'ClusterAddon "kuberay"', props: { addon: 'kuberay' }, render: () => undefined })],
  ])('not portable: %s', (_name, make) => {
    expect(encodeSpec(make())).toBeUndefined();
  });

  it('a spec with an OpenStack machine template (a library class) is portable; the same with a user object holding a check function is not', () => {
    const spec = clusterSpec(0);
    expect(encodeSpec(spec)).toBeDefined();
    const t = spec.controlPlane.machineTemplate;
    expect(t instanceof OpenStackMachineTemplate || Object.getPrototypeOf(t) !== Object.prototype).toBe(true);
    const user = { ...spec, controlPlane: { ...spec.controlPlane, machineTemplate: { ...t, validateFor: () => undefined } } };
    expect(encodeSpec(user)).toBeUndefined();
  });
});
