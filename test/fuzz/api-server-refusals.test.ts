/**
 * Issue 33, item 3: what the API server (or any YAML reader) would refuse, or what would silently
 * emit nothing, is refused at validation with a ValidationError naming the field:
 * - unknown keys inside a SecretKeyRef's `secret`;
 * - Map, Date, Set and boxed values where plain objects are expected (labels, clusterNetwork, ...);
 * - int-or-string numbers beyond int32 (maxUnhealthy 1e300, maxSurge 2**53+2);
 * - more than 256 KiB of annotations on one object;
 * - unpaired UTF-16 surrogates in strings.
 * Each repro of the issue is a test, then one property per class over every matching path of a valid
 * fleet (bounded by count).
 */
import fc from 'fast-check';
import { addonComponent, ClusterSpec, CustomMachineTemplate, HealthCheck, renderFleet } from '../../lib';
import { get, paths, PropPath as Path, setAt } from '../support/prop-paths';

process.env.CAPI_CONSTRUCTS_WARNINGS = 'silent';

function baseSpec(): ClusterSpec {
  const docker = new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
  return {
    cluster: {
      name: 'fz', namespace: 'tenants', cni: 'calico', kubernetesVersion: 'v1.31.4',
      clusterNetwork: { pods: ['10.244.0.0/16'], services: ['10.96.0.0/12'], serviceDomain: 'cluster.local', apiServerPort: 6443 },
      controlPlaneEndpoint: { host: '10.0.0.10', port: 6443 },
      infrastructure: { apiGroup: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', kind: 'DockerCluster', spec: { loadBalancer: { imageTag: 'v0.5.0' } } },
      nodeFailureDetection: { nodeStatusUpdateFrequency: '10s', nodeMonitorPeriod: '5s', nodeMonitorGracePeriod: '40s' },
      labels: { env: 'prod' },
    },
    controlPlane: {
      machineTemplate: docker, replicas: 3, rollout: { maxSurge: 1 }, remediation: { maxRetry: 5, retryPeriod: '2m' },
      nodeDrainTimeout: '5m', machineLabels: { 'node.cluster.x-k8s.io/cp': 'yes' }, healthCheck: HealthCheck.controlPlane({ nodeStartupTimeout: '20m' }),
      kubeadm: { files: [{ path: '/etc/x', content: 'hello' }, { path: '/etc/y', contentFrom: { secret: { name: 's', key: 'k' } } }], preKubeadmCommands: ['echo hi'] },
    },
    workers: [
      { name: 'md', machineTemplate: docker, scaling: { min: 1, max: 5 }, strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: 0 }, roles: ['worker'], healthCheck: HealthCheck.workers({ maxUnhealthy: 1 }) },
      { name: 'batch', machineTemplate: docker, scaling: { replicas: 2 }, strategy: { type: 'OnDelete' }, deletionOrder: 'Oldest' },
    ],
    components: [addonComponent({ addon: 'kuberay', mode: 'tenant' })],
  } as ClusterSpec;
}

/** Free-form values take any key; components are render closures over the props given to addonComponent. */
const freeForm = (p: Path) => p[0] === 'components' || (p[1] === 'infrastructure' && p[2] === 'spec');

function render(spec: ClusterSpec): { ok: true; text: string } | { ok: false; messages: string[] } {
  try {
    return { ok: true, text: [...renderFleet([spec]).files.values()].join('\n') };
  } catch (e: any) {
    if (e?.name !== 'ValidationError') throw e;
    return { ok: false, messages: e.issues.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`) };
  }
}
function refused(spec: ClusterSpec | (() => ClusterSpec), pattern: RegExp): void {
  const r = typeof spec === 'function' ? (() => {
    try {
      return render(spec());
    } catch (e: any) {
      if (e?.name !== 'ValidationError') throw e;
      return { ok: false as const, messages: e.issues.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`) };
    }
  })() : render(spec);
  if (r.ok) throw new Error('accepted');
  expect(r.messages.join('\n')).toMatch(pattern);
}

describe('issue 33 repros: refused, not silently dropped or emitted', () => {
  it('a SecretKeyRef with namespace or optional inside secret', () => {
    const s = baseSpec();
    (s.controlPlane as any).kubeadm.files[1].contentFrom.secret.namespace = 'other';
    (s.controlPlane as any).kubeadm.files[1].contentFrom.secret.optional = true;
    const r = render(s);
    expect(r.ok).toBe(false);
    const m = (r as { messages: string[] }).messages.join('\n');
    expect(m).toMatch(/contentFrom\.secret\.namespace: "namespace" is not a known field/);
    expect(m).toMatch(/contentFrom\.secret\.optional: "optional" is not a known field/);
  });

  it.each([
    ['a Map', () => new Map([['env', 'prod']]), /a Map/],
    ['a Date', () => new Date(0), /a Date/],
    ['a boxed number', () => new Number(1), /a boxed number/],
  ])('%s as labels, clusterNetwork or extra args', (_name, make, pattern) => {
    for (const p of [['cluster', 'labels'], ['cluster', 'clusterNetwork'], ['controlPlane', 'machineLabels']]) {
      const s = baseSpec();
      setAt(s, p, make());
      refused(s, new RegExp(`${p.join('\\.')}: must be a plain object, got ${pattern.source}`));
    }
    const s = baseSpec();
    (s.controlPlane as any).kubeadm.kubeletExtraArgs = make();
    refused(s, pattern);
  });

  it('maxUnhealthy 1e300 and maxSurge 2**53+2 are beyond int32', () => {
    const a = baseSpec();
    (a.workers![0] as any).healthCheck = HealthCheck.workers({ maxUnhealthy: 1e300 });
    refused(a, /maxUnhealthy: 1e\+300 is beyond the int32/);
    const b = baseSpec();
    (b.workers![0] as any).strategy.maxSurge = 2 ** 53 + 2;
    refused(b, /maxSurge: 9007199254740994 is beyond the int32/);
    const c = baseSpec();
    (c.workers![0] as any).strategy.maxUnavailable = 2 ** 31;
    refused(c, /maxUnavailable: 2147483648 is beyond the int32/);
    const d = baseSpec();
    (d.workers![0] as any).strategy.maxUnavailable = 2 ** 31 - 1;
    expect(render(d).ok).toBe(true);
  });

  it('a 1 MB annotation; 256 KiB of annotations in all is the limit', () => {
    const docker = (annotations: Record<string, string>) => new CustomMachineTemplate({
      kind: 'DockerMachineTemplate', version: 'v1beta2', spec: {}, templateMetadata: { annotations },
    });
    refused(() => ({ ...baseSpec(), workers: [{ name: 'md', machineTemplate: docker({ big: 'x'.repeat(1 << 20) }), scaling: { replicas: 1 } }] }), /annotations take 1048579 bytes .* more than 262144 \(256 KiB\) per object/);
    const b = baseSpec();
    (b.workers![0] as any).machineTemplate = docker({ a: 'x'.repeat(131072 - 1), b: 'y'.repeat(131072 - 1) });
    expect(render(b).ok).toBe(true);
    refused(() => ({ ...baseSpec(), workers: [{ name: 'md', machineTemplate: docker({ a: 'x'.repeat(131072), b: 'é'.repeat(65536) }), scaling: { replicas: 1 } }] }), /annotations take 262146 bytes/);
  });

  it('unpaired surrogates in string lists and string fields', () => {
    const a = baseSpec();
    (a.controlPlane as any).kubeadm.preKubeadmCommands = ['echo \ud800'];
    refused(a, /unpaired UTF-16 surrogate/);
    const b = baseSpec();
    (b.controlPlane as any).kubeadm.files[0].content = 'a\udc00';
    refused(b, /files\[0\]\.content: .*unpaired UTF-16 surrogate/);
    const c = baseSpec();
    (c.controlPlane as any).kubeadm.files[0].path = '/etc/\ud800';
    refused(c, /files\[0\]\.path: .*unpaired UTF-16 surrogate/);
  });
});

describe('properties: every path of a valid fleet, bounded by count', () => {
  const all = paths(baseSpec());
  const objects = all.filter((p) => { const v = get(baseSpec(), p); return !freeForm(p) && v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype; });
  const numbers = all.filter((p) => typeof get(baseSpec(), p) === 'number');
  const strings = all.filter((p) => typeof get(baseSpec(), p) === 'string');
  /** A lone surrogate in the text, or escaped by the YAML writer (`\ud800`: Kubernetes would read U+FFFD). */
  const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

  it('Map, Date, Set or a boxed value in place of any plain object is refused', () => {
    const nonPlain = fc.constantFrom<() => unknown>(() => new Map([['a', 'b']]), () => new Date(0), () => new Set(['a']), () => new Number(1), () => new String('a'), () => new Boolean(true));
    fc.assert(fc.property(fc.constantFrom(...objects), nonPlain, (p, make) => {
      const s = baseSpec();
      setAt(s, p, make());
      expect(render(s).ok).toBe(false);
    }), { numRuns: 200 });
  });

  it('an unknown key in any plain object (free-form values and label maps aside) is refused', () => {
    const typed = objects.filter((p) => !/labels$/i.test(String(p[p.length - 1])));
    fc.assert(fc.property(fc.constantFrom(...typed), fc.constantFrom('zz', 'namespace', 'optional', 'replica', 'x-y'), (p, key) => {
      const s = baseSpec();
      const target = get(s, p) as Record<string, unknown>;
      setAt(s, [...p, key in target ? `${key}_` : key], 'v');
      expect([p.join('.'), render(s).ok]).toEqual([p.join('.'), false]);
    }), { numRuns: 200 });
  });

  it('a number beyond int32 in any numeric field is refused, never emitted', () => {
    fc.assert(fc.property(fc.constantFrom(...numbers), fc.oneof(fc.constantFrom(1e300, 2 ** 53 + 2, 2 ** 31, 2 ** 63), fc.double({ min: 2 ** 31, max: 1e308, noNaN: true })), (p, n) => {
      const s = baseSpec();
      setAt(s, p, n);
      expect(render(s).ok).toBe(false);
    }), { numRuns: 200 });
  });

  it('an unpaired surrogate in any string is refused or never reaches the YAML', () => {
    fc.assert(fc.property(fc.constantFrom(...strings), fc.constantFrom('\ud800', '\udfff', 'a\udbffb', '\udc00\ud800'), (p, bad) => {
      const s = baseSpec();
      setAt(s, p, `${get(s, p) as string}${bad}`);
      const r = render(s);
      expect([p.join('.'), r.ok && LONE.test(r.text)]).toEqual([p.join('.'), false]);
    }), { numRuns: 200 });
  });
});
