/**
 * Property-based tests (fast-check):
 * - random valid ClusterProps / ControlPlaneGroupProps / WorkerGroupProps (v1beta2 and v1beta1) always
 *   synthesize objects that the upstream CRD schemas accept (test/support/crd-schemas.ts);
 * - random invalid props (one corruption of a valid input: wrong types, null, out-of-range numbers, bad
 *   names, even replicas, bad durations, both-zero strategy, ...) always throw ValidationError with
 *   non-empty issues, and the construct adds nothing to the chart;
 * - arbitrary values as props never cause another error type (TypeError, RangeError, ...).
 */
import { Chart, Testing } from 'cdk8s';
import fc from 'fast-check';
import {
  Cluster, ClusterProps, ControlPlaneGroup, ControlPlaneGroupProps, CustomMachineTemplate, HealthCheck,
  ValidationError, WorkerGroup, WorkerGroupProps,
} from '../../lib';
import { conformanceFailures } from './check';
import { labels, capiVersion, nodeFailureDetection, validCluster, args, machineTemplate, validControlPlane, scaling, strategy, validWorkers, validInput } from './valid-props';
import { TEST_INFRA } from '../support/infrastructure';

const RUNS = { numRuns: 120 };

const inspect = (v: unknown) => JSON.stringify(v, (_k, x) => (x instanceof HealthCheck ? { healthCheck: x.role, ...x.options } : x instanceof CustomMachineTemplate ? x.kind : x));

describe('random valid specs', () => {
  test('always synthesize schema-valid objects (v1beta2 and v1beta1)', () => {
    const seen = new Set<string>();
    fc.assert(fc.property(validInput, ({ cluster: cp, cp: cpInput, workers }) => {
      const chart = new Chart(Testing.app(), 'valid');
      const cluster = new Cluster(chart, 'c', cp);
      new ControlPlaneGroup(chart, 'cp', { cluster, ...cpInput });
      workers.forEach((w, i) => new WorkerGroup(chart, `w${i}`, { cluster, ...w }));
      const objects = chart.toJson();
      objects.forEach((o: any) => seen.add(o.apiVersion));
      expect(conformanceFailures(objects, inspect({ cp, cpInput, workers }))).toEqual([]);
    }), { numRuns: 100 });
    // Both Cluster API versions were generated.
    expect([...seen]).toEqual(expect.arrayContaining(['cluster.x-k8s.io/v1beta2', 'cluster.x-k8s.io/v1beta1']));
  });
});

// ------------------------------------------------------------------------------------------------
// Invalid generators: one corruption of a valid input.

type Corruption = readonly [path: string, value: unknown];

const wrongType = fc.constantFrom<unknown>(null, true, [], {}, 'x', -1, 1.5, NaN, Infinity, () => 1, Symbol('s'));

/** Corruptions that must each make the props invalid, by field. */
const clusterCorruptions: fc.Arbitrary<Corruption> = fc.oneof(
  fc.tuple(fc.constant('name'), fc.constantFrom<unknown>(undefined, null, '', 'Prod', 'a_b', '-a', 'a'.repeat(50), 7, {}, [])),
  fc.tuple(fc.constant('namespace'), fc.constantFrom<unknown>(null, '', 'Ns', 'a.b', 'x'.repeat(64), 1)),
  fc.tuple(fc.constant('kubernetesVersion'), fc.constantFrom<unknown>(undefined, null, '', 'v1.31', 'latest', '1', 'v1.x.0', 131, {})),
  fc.tuple(fc.constant('apiVersion'), fc.constantFrom<unknown>(null, 'v1alpha4', 'v1beta3', 'V1BETA2', 2)),
  fc.tuple(fc.constant('clusterNetwork'), fc.constantFrom<unknown>(null, 'x', [], { pods: [] }, { pods: ['10.0.0.0'] }, { services: 'a' }, { apiServerPort: 0 }, { apiServerPort: 70000 }, { serviceDomain: '' })),
  fc.tuple(fc.constant('controlPlaneEndpoint'), fc.constantFrom<unknown>(null, 'host', {}, { host: '' }, { host: 'a', port: 0 }, { host: 'a', port: '6443' })),
  fc.tuple(fc.constant('nodeFailureDetection'), fc.constantFrom<unknown>(null, 'fast', { nodeStatusUpdateFrequency: '1x' }, { nodeMonitorGracePeriod: '5s' },
    { nodeMonitorPeriod: '1m' }, { nodeStatusUpdateFrequency: 0 }, { nodeMonitorGracePeriod: '500ms' }, { nodeStatusUpdateFrequency: -1 })),
  fc.tuple(fc.constant('labels'), fc.constantFrom<unknown>(null, 'a', { 'bad key!': 'v' }, { k: 'bad value!' }, { k: 1 })),
  fc.tuple(fc.constant('paused'), fc.constantFrom<unknown>(null, 'yes', 1)),
  fc.tuple(fc.constant('infrastructure'), fc.constantFrom<unknown>(undefined, null, 'vsphere', {}, { apiGroup: 'a', version: 'v1' }, { ...TEST_INFRA, bootstrap: 'openstack' })),
);

/** Corruptions of the kubeadm props shared by both groups. */
const kubeadmCorruptions = fc.constantFrom<unknown>(
  null, 'x', { unknown: 1 }, { kubeletExtraArgs: { '--max-pods': '10' } }, { kubeletExtraArgs: { 'max-pods': 10 } }, { kubeletExtraArgs: { 'a b': 'c' } },
  { taints: [{ key: 'a', effect: 'Never' }] }, { taints: [{ key: 'bad key', effect: 'NoSchedule' }] }, { taints: 'a=b:NoSchedule' },
  { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', value: 'b', effect: 'NoSchedule' }] },
  { files: [{ path: 'etc/motd', content: 'x' }] }, { files: [{ path: '/a', content: 'x', permissions: 644 }] }, { files: [{ path: '/a', content: 'x', permissions: '0999' }] },
  { files: [{ path: '/a', content: 'x' }, { path: '/a', content: 'y' }] }, { files: [{ path: '/a' }] },
  { files: [{ path: '/a', content: 'x', contentFrom: { secret: { name: 's', key: 'k' } } }] },
  { files: [{ path: '/etc/app/token', content: 'abc' }] }, { files: [{ path: '/a', content: '-----BEGIN RSA PRIVATE KEY-----\nMII' }] },
  { preKubeadmCommands: ['', 'x'] }, { postKubeadmCommands: 'echo' }, { users: [{ name: 'Ops' }] }, { users: [{ name: 'ops', passwd: 'x' }] },
  { users: [{ name: 'ops', sshAuthorizedKeys: ['not a key'] }] }, { ntp: { servers: [] } }, { ntp: { servers: ['a b'] } },
  { override: ['kubeletExtraArgs.max-pods'] }, { override: 'x' },
);

const cpCorruptions: fc.Arbitrary<Corruption> = fc.oneof(
  fc.tuple(fc.constant('kubeadm'), kubeadmCorruptions),
  fc.tuple(fc.constant('kubeadm'), fc.constantFrom<unknown>({ etcd: { dataDir: 'var/lib/etcd' } }, { apiServer: { extraArgs: { '--v': '2' } } }, { scheduler: 'x' }, { controllerManager: { args: {} } })),
  fc.tuple(fc.constant('replicas'), fc.constantFrom<unknown>(0, -1, 2, 4, 1.5, '3', null, NaN)),
  fc.tuple(fc.constant('replicas'), fc.integer({ min: 1, max: 50 }).map((n) => n * 2)),
  fc.tuple(fc.constant('machineTemplate'), fc.constantFrom<unknown>(undefined, null, {}, 'vsphere', { kind: 'X', apiGroup: 'a', version: 'v1' })),
  fc.tuple(fc.constant('rollout'), fc.constantFrom<unknown>(null, 'fast', { maxSurge: 2 }, { maxSurge: -1 }, { maxSurge: '150%' }, { maxSurge: '1' }, { maxSurge: null })),
  fc.tuple(fc.constant('remediation'), fc.constantFrom<unknown>(null, 'x', { maxRetry: -1 }, { maxRetry: 1.5 }, { retryPeriod: '1x' }, { minHealthyPeriod: -5 }, { retryPeriod: '1.5s' })),
  fc.tuple(fc.constant('nodeDrainTimeout'), fc.constantFrom<unknown>(null, '5 minutes', -1, '1.5s', {}, '100000000h')),
  fc.tuple(fc.constant('nodeVolumeDetachTimeout'), wrongType.filter((v) => typeof v !== 'number' || !(Number.isInteger(v) && v >= 0))),
  fc.tuple(fc.constant('nodeDeletionTimeout'), fc.constantFrom<unknown>('soon', null, -10)),
  fc.tuple(fc.constant('healthCheck'), fc.constantFrom<unknown>(null, 'controlPlane', {}, HealthCheck.controlPlane({ nodeStartupTimeout: '10s' }),
    HealthCheck.controlPlane({ maxUnhealthy: 'all' }), HealthCheck.controlPlane({ unhealthyRange: '[3-1]' }), HealthCheck.controlPlane({ unhealthyConditions: [] }),
    HealthCheck.controlPlane({ unhealthyConditions: [{ type: '', status: 'False', timeout: '1m' }] }))),
  fc.tuple(fc.constant('machineLabels'), fc.constantFrom<unknown>(null, [], { 'a b': 'c' }, { a: 'b c' })),
  fc.tuple(fc.constant('cluster'), fc.constantFrom<unknown>(undefined, null, 'prod', {}, { name: 'x' })),
);


const wgCorruptions: fc.Arbitrary<Corruption> = fc.oneof(
  fc.tuple(fc.constant('kubeadm'), kubeadmCorruptions),
  fc.tuple(fc.constant('kubeadm'), fc.constantFrom<unknown>({ apiServer: { extraArgs: { v: '2' } } }, { etcd: {} })),
  fc.tuple(fc.constant('failureDomain'), fc.constantFrom<unknown>(null, '', 'a b', 3)),
  fc.tuple(fc.constant('name'), fc.constantFrom<unknown>(undefined, null, '', 'Workers', 'w_1', 'w'.repeat(64), 3)),
  fc.tuple(fc.constant('scaling'), fc.constantFrom<unknown>(null, 'auto', {}, { replicas: -1 }, { replicas: 1.5 }, { replicas: '2' }, { min: 1 }, { max: 3 },
    { min: 3, max: 2 }, { min: -1, max: 2 }, { min: 0, max: 0 }, { min: 1, max: 3, replicas: 5 })),
  fc.tuple(fc.constant('strategy'), fc.constantFrom<unknown>(null, 'RollingUpdate', {}, { type: 'Recreate' }, { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 0 },
    { type: 'RollingUpdate', maxSurge: '0%', maxUnavailable: '0%' }, { type: 'RollingUpdate', maxSurge: '0%', maxUnavailable: 0 },
    { type: 'RollingUpdate', maxSurge: 'x' }, { type: 'RollingUpdate', maxUnavailable: '101%' }, { type: 'OnDelete', maxSurge: 1 })),
  fc.tuple(fc.constant('deletionOrder'), fc.constantFrom<unknown>(null, 'random', 'Largest', 1)),
  fc.tuple(fc.constant('minReadySeconds'), fc.constantFrom<unknown>(null, -1, 1.5, '30')),
  fc.tuple(fc.constant('roles'), fc.constantFrom<unknown>(null, 'worker', ['control-plane'], ['master'], ['a/b'], ['Bad Role'], ['x', 'x'], [1])),
  fc.tuple(fc.constant('machineLabels'), fc.constantFrom<unknown>(null, 'x', { '': 'a' }, { a: null })),
  fc.tuple(fc.constant('machineTemplate'), fc.constantFrom<unknown>(undefined, null, 42)),
  fc.tuple(fc.constant('nodeDrainTimeout'), fc.constantFrom<unknown>('1.5s', '-1s', 'forever', null)),
  fc.tuple(fc.constant('healthCheck'), fc.constantFrom<unknown>(null, {}, 'workers', HealthCheck.workers({ nodeStartupTimeout: '29s' }), HealthCheck.workers({ nodeStartupTimeout: 'x' }),
    HealthCheck.workers({ maxUnhealthy: -1 }), HealthCheck.workers({ unhealthyRange: 'few' }), HealthCheck.workers({ unhealthyConditions: [{ type: 'Ready', status: 'maybe', timeout: '5m' }] }),
    HealthCheck.workers({ unhealthyConditions: [null as any] }), HealthCheck.workers({ unhealthyConditions: 'Ready' as any }))),
  fc.tuple(fc.constant('cluster'), fc.constantFrom<unknown>(undefined, null, 'prod', { name: 'x', namespace: 'y' })),
);

// The v1beta1-only fields take effect (and are checked) only for v1beta1 clusters.
const wgV1beta1Corruptions: fc.Arbitrary<Corruption> = fc.oneof(
  fc.tuple(fc.constant('progressDeadlineSeconds'), fc.constantFrom<unknown>(0, -1, 1.5, null, '600')),
  fc.tuple(fc.constant('revisionHistoryLimit'), fc.constantFrom<unknown>(-1, 0.5, null, 'one')),
);

function corrupt<T extends object>(props: T, [key, value]: Corruption): T {
  const out = { ...props } as Record<string, unknown>;
  if (value === undefined) delete out[key]; else out[key] = value;
  return out as unknown as T;
}

/** Runs `fn`, which must throw a ValidationError with well-formed issues; returns the error. */
function expectValidationError(fn: () => unknown): ValidationError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof ValidationError)) {
    throw new Error(`expected a ValidationError, got ${err === undefined ? 'no error' : `${(err as Error)?.name}: ${(err as Error)?.message}`}`);
  }
  expect(err.statusCode).toBe(400);
  expect(err.issues.length).toBeGreaterThan(0);
  for (const i of err.issues) {
    expect(typeof i.path).toBe('string');
    expect(typeof i.message).toBe('string');
    expect(i.message.length).toBeGreaterThan(0);
  }
  return err;
}

describe('random invalid specs', () => {
  test('ClusterProps: throw ValidationError at the corrupted field and write nothing', () => {
    fc.assert(fc.property(validCluster, clusterCorruptions, (props, c) => {
      const chart = new Chart(Testing.app(), 'bad');
      const err = expectValidationError(() => new Cluster(chart, 'c', corrupt(props, c)));
      expect(err.issues.some((i) => i.path === c[0] || i.path.startsWith(`${c[0]}.`) || i.path === 'props')).toBe(true);
      expect(chart.toJson()).toEqual([]);
      expect(chart.node.children).toHaveLength(0);
    }), RUNS);
  });

  test('ControlPlaneGroupProps: throw ValidationError at the corrupted field and write nothing', () => {
    fc.assert(fc.property(validCluster, validControlPlane, cpCorruptions, (clusterProps, cp, c) => {
      const cluster = new Cluster(new Chart(Testing.app(), 'ok'), 'c', clusterProps);
      const chart = new Chart(Testing.app(), 'bad');
      const err = expectValidationError(() => new ControlPlaneGroup(chart, 'cp', corrupt({ cluster, ...cp }, c)));
      expect(err.issues.some((i) => i.path === c[0] || i.path.startsWith(`${c[0]}.`) || i.path.startsWith(`${c[0]}[`))).toBe(true);
      expect(chart.toJson()).toEqual([]);
      expect(chart.node.children).toHaveLength(0);
    }), RUNS);
  });

  test('WorkerGroupProps: throw ValidationError at the corrupted field and write nothing', () => {
    const input = validCluster.chain((cl) => fc.tuple(fc.constant(cl), validWorkers(cl.name)));
    const corruption = fc.boolean().chain((v1) => (v1 ? fc.oneof(wgCorruptions, wgV1beta1Corruptions) : wgCorruptions).map((c) => ({ v1, c })));
    fc.assert(fc.property(input, corruption, ([clusterProps, wg], { v1, c }) => {
      const cluster = new Cluster(new Chart(Testing.app(), 'ok'), 'c', { ...clusterProps, apiVersion: v1 ? 'v1beta1' : 'v1beta2' });
      const chart = new Chart(Testing.app(), 'bad');
      const err = expectValidationError(() => new WorkerGroup(chart, 'w', corrupt({ cluster, ...wg }, c)));
      expect(err.issues.some((i) => i.path === c[0] || i.path.startsWith(`${c[0]}.`) || i.path.startsWith(`${c[0]}[`))).toBe(true);
      expect(chart.toJson()).toEqual([]);
      expect(chart.node.children).toHaveLength(0);
    }), RUNS);
  });
});

describe('arbitrary values as props', () => {
  const anything = fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withDate: true, maxDepth: 3 });
  const field = (keys: string[]) => fc.record(Object.fromEntries(keys.map((k) => [k, anything])), { requiredKeys: [] });

  /** Either a ValidationError, or (rarely) success with schema-valid objects: never another error. */
  function neverCrashes(make: (chart: Chart) => void): void {
    const chart = new Chart(Testing.app(), 'any');
    try {
      make(chart);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw new Error(`expected ValidationError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
      expect(chart.toJson()).toEqual([]);
      return;
    }
    expect(conformanceFailures(chart.toJson(), 'arbitrary input')).toEqual([]);
  }

  test('ClusterProps', () => {
    const props = fc.oneof(anything, field(['name', 'namespace', 'kubernetesVersion', 'apiVersion', 'clusterNetwork', 'controlPlaneEndpoint', 'nodeFailureDetection', 'labels', 'paused', 'infrastructure']));
    fc.assert(fc.property(props, (p) => neverCrashes((chart) => new Cluster(chart, 'c', p as any))), { numRuns: 200 });
  });

  test('ControlPlaneGroupProps (with a valid cluster and template, every other field arbitrary)', () => {
    const props = field(['replicas', 'rollout', 'remediation', 'healthCheck', 'machineLabels', 'nodeDrainTimeout', 'nodeVolumeDetachTimeout', 'nodeDeletionTimeout', 'kubeadm']);
    fc.assert(fc.property(props, machineTemplate, (p, t) => neverCrashes((chart) => {
      const cluster = new Cluster(new Chart(Testing.app(), 'ok'), 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'c', kubernetesVersion: 'v1.31.4' });
      new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: t, ...(p as object) });
    })), { numRuns: 200 });
  });

  test('WorkerGroupProps (with a valid cluster, every other field arbitrary)', () => {
    const props = field(['name', 'machineTemplate', 'scaling', 'strategy', 'deletionOrder', 'minReadySeconds', 'progressDeadlineSeconds', 'revisionHistoryLimit', 'roles', 'machineLabels', 'healthCheck', 'nodeDrainTimeout', 'failureDomain', 'kubeadm']);
    fc.assert(fc.property(props, capiVersion, (p, v) => neverCrashes((chart) => {
      const cluster = new Cluster(new Chart(Testing.app(), 'ok'), 'c', { infrastructure: TEST_INFRA, cni: 'calico', name: 'c', kubernetesVersion: 'v1.31.4', apiVersion: v });
      new WorkerGroup(chart, 'w', { cluster, ...(p as object) } as unknown as WorkerGroupProps);
    })), { numRuns: 200 });
  });

  test('whole props objects for the groups', () => {
    fc.assert(fc.property(anything, (p) => {
      neverCrashes((chart) => new ControlPlaneGroup(chart, 'cp', p as any));
      neverCrashes((chart) => new WorkerGroup(chart, 'w', p as any));
    }), { numRuns: 200 });
  });
});
