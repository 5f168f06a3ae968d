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
  Cluster, ClusterProps, ControlPlaneGroup, ControlPlaneGroupProps, CustomMachineTemplate, HealthCheck, HealthCheckOptions,
  ValidationError, WorkerGroup, WorkerGroupProps,
} from '../../lib';
import { conformanceFailures } from './check';
import { TEST_INFRA } from '../support/infrastructure';
import { OpenStackCluster, VSphereCluster } from '../../lib';

const RUNS = { numRuns: 120 };

// ------------------------------------------------------------------------------------------------
// Valid generators

const dnsLabel = (max: number) => fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/).filter((s) => s.length <= max);
const labelName = fc.stringMatching(/^[a-z0-9]([-a-z0-9_.]{0,12}[a-z0-9])?$/);
const labelKey = fc.tuple(fc.constantFrom('', 'example.com/', 'node.cluster.x-k8s.io/', 'node-role.kubernetes.io/'), labelName).map(([p, n]) => p + n);
const labelValue = fc.stringMatching(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,12}[A-Za-z0-9])?)?$/);
const labels = fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 3 });
const capiVersion = fc.constantFrom('v1beta2' as const, 'v1beta1' as const);

/** A duration of `min..max` seconds, as a number or a Go duration string. */
const duration = (min: number, max: number) => fc.integer({ min, max }).chain((n) => fc.constantFrom<string | number>(
  n, `${n}s`, ...(n % 60 === 0 && n > 0 ? [`${n / 60}m`] : []), ...(n % 3600 === 0 && n > 0 ? [`${n / 3600}h`] : []),
  ...(n > 60 && n % 60 !== 0 ? [`${Math.floor(n / 60)}m${n % 60}s`] : []),
));
const percent = (min: number, max: number) => fc.integer({ min, max }).map((n) => `${n}%`);

const nodeFailureDetection = fc.integer({ min: 1, max: 20 }).chain((freq) => fc.integer({ min: freq + 1, max: 300 }).chain((grace) => fc.record({
  nodeStatusUpdateFrequency: fc.constant(freq).chain((f) => fc.constantFrom<string | number>(f, `${f}s`)),
  nodeMonitorPeriod: duration(1, grace - 1),
  nodeMonitorGracePeriod: fc.constant(grace).chain((g) => fc.constantFrom<string | number>(g, `${g}s`)),
})));

const cidr = fc.tuple(fc.integer({ min: 10, max: 192 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 24 })).map(([a, b, m]) => `${a}.${b}.0.0/${m}`);

const validCluster: fc.Arbitrary<ClusterProps> = fc.record({
  name: dnsLabel(49),
  namespace: fc.option(dnsLabel(63), { nil: undefined }),
  cni: fc.constant('calico' as const), kubernetesVersion: fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 30 })).map(([v, mi, pa]) => `${v ? 'v' : ''}1.${mi}.${pa}`),
  apiVersion: fc.option(capiVersion, { nil: undefined }),
  clusterNetwork: fc.option(fc.record({
    pods: fc.option(fc.array(cidr, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    services: fc.option(fc.array(cidr, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    serviceDomain: fc.option(fc.constantFrom('cluster.local', 'k8s.example'), { nil: undefined }),
    apiServerPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  }), { nil: undefined }),
  controlPlaneEndpoint: fc.option(fc.record({ host: fc.constantFrom('10.0.0.1', 'api.example.com'), port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }) }), { nil: undefined }),
  nodeFailureDetection: fc.option(nodeFailureDetection, { nil: undefined }),
  labels: fc.option(labels, { nil: undefined }),
  paused: fc.option(fc.boolean(), { nil: undefined }),
  // Kubernetes minors from 1.1 to 1.40: no cloud controller chart for most, so none is installed
  cloudController: fc.constant(false as const),
  // every provider bootstrap: none, OpenStack's, vSphere's with kube-vip and with an external load balancer
  infrastructure: fc.constantFrom(
    TEST_INFRA,
    new OpenStackCluster({ cloudName: 'openstack', secretName: 'cloud-config', apiServerLoadBalancer: true }),
    new VSphereCluster({ server: 'vcenter.example.com', controlPlaneEndpoint: { host: '10.0.0.10' } }),
    new VSphereCluster({ server: 'vcenter.example.com', controlPlaneEndpoint: { host: 'api.example.com' }, controlPlaneLoadBalancer: 'external' }),
  ),
}, { requiredKeys: ['name', 'cni', 'kubernetesVersion', 'infrastructure', 'cloudController'] })
  // a VSphereCluster has its own endpoint, which the Cluster's must not contradict
  .map((c) => (c.infrastructure instanceof VSphereCluster ? { ...c, controlPlaneEndpoint: undefined } : c));

/** Valid kubeadm props of a node group (no library-managed argument, so no override is needed). */
const kubeadmNode = {
  kubeletExtraArgs: fc.option(fc.dictionary(fc.constantFrom('max-pods', 'system-reserved', 'v', 'feature-gates'), fc.constantFrom('110', 'cpu=500m', '2', '')), { nil: undefined }),
  taints: fc.option(fc.uniqueArray(fc.record({
    key: labelKey, value: fc.option(labelValue, { nil: undefined }), effect: fc.constantFrom('NoSchedule' as const, 'PreferNoSchedule' as const, 'NoExecute' as const),
  }, { requiredKeys: ['key', 'effect'] }), { maxLength: 3, selector: (t) => `${t.key}:${t.effect}` }), { nil: undefined }),
  files: fc.option(fc.uniqueArray(fc.record({
    path: fc.constantFrom('/etc/motd', '/etc/sysctl.d/90-k8s.conf', '/opt/app/config.toml', '/etc/ssl/certs/corp-ca.pem'),
    content: fc.constantFrom('hello\n', 'net.ipv4.ip_forward = 1\n'),
    owner: fc.option(fc.constantFrom('root:root', 'root'), { nil: undefined }),
    permissions: fc.option(fc.constantFrom('0644', '0600', '755'), { nil: undefined }),
  }, { requiredKeys: ['path', 'content'] }), { minLength: 1, maxLength: 3, selector: (f) => f.path }), { nil: undefined }),
  preKubeadmCommands: fc.option(fc.array(fc.constantFrom('echo pre', 'sysctl --system'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  postKubeadmCommands: fc.option(fc.array(fc.constantFrom('echo post'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  users: fc.option(fc.constant([{ name: 'ops', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example'], sudo: 'ALL=(ALL) NOPASSWD:ALL' }]), { nil: undefined }),
  ntp: fc.option(fc.record({ servers: fc.constant(['0.pool.ntp.org', '10.0.0.2']), enabled: fc.option(fc.boolean(), { nil: undefined }) }, { requiredKeys: ['servers'] }), { nil: undefined }),
};
const args = fc.option(fc.record({ extraArgs: fc.dictionary(fc.constantFrom('v', 'profiling', 'audit-log-maxage'), fc.constantFrom('2', 'false', '30'), { minKeys: 1 }) }), { nil: undefined });
const kubeadmWorker = fc.option(fc.record(kubeadmNode, { requiredKeys: [] }), { nil: undefined });
const kubeadmControlPlane = fc.option(fc.record({
  ...kubeadmNode, apiServer: args, controllerManager: args, scheduler: args,
  etcd: fc.option(fc.record({ dataDir: fc.option(fc.constant('/var/lib/etcd-data'), { nil: undefined }), extraArgs: fc.option(fc.constant({ 'quota-backend-bytes': '8589934592' }), { nil: undefined }) }), { nil: undefined }),
}, { requiredKeys: [] }), { nil: undefined });

/**
 * Infrastructure templates with a public CRD, written as raw fields, so the template object is
 * schema-checked too (the typed provider classes have their own suites).
 */
const machineTemplate = fc.oneof(
  fc.record({ cpus: fc.integer({ min: 2, max: 64 }), mem: fc.integer({ min: 1024, max: 65536 }), meta: fc.option(labels, { nil: undefined }) })
    .map(({ cpus, mem, meta }) => new CustomMachineTemplate({
      kind: 'VSphereMachineTemplate', version: 'v1beta2',
      spec: { template: 'ubuntu-2404', numCPUs: cpus, memoryMiB: mem, network: { devices: [{ networkName: 'VM Network', dhcp4: true }] } },
      templateMetadata: meta && { labels: meta },
    })),
  fc.constant(new CustomMachineTemplate({
    kind: 'OpenStackMachineTemplate', version: 'v1beta1', spec: { flavor: 'm1.large', image: { filter: { name: 'ubuntu-2404' } } },
  })),
  fc.constant(new CustomMachineTemplate({
    kind: 'Metal3MachineTemplate', version: 'v1beta2',
    spec: { image: { url: 'http://img/ubuntu.qcow2', checksum: 'http://img/ubuntu.qcow2.sha256sum' }, hostSelector: { matchLabels: { pool: 'a' } } },
  })),
);

const deletionTimeouts = {
  nodeDrainTimeout: fc.option(duration(0, 7200), { nil: undefined }),
  nodeVolumeDetachTimeout: fc.option(duration(0, 7200), { nil: undefined }),
  nodeDeletionTimeout: fc.option(duration(0, 600), { nil: undefined }),
};

const healthCheckOptions = (minSize: number): fc.Arbitrary<HealthCheckOptions> => fc.record({
  maxUnhealthy: fc.option(fc.oneof(fc.integer({ min: 0, max: Math.max(minSize, 1) }), percent(0, 100)), { nil: undefined }),
  unhealthyRange: fc.option(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })).map(([a, b]) => `[${Math.min(a, b)}-${Math.max(a, b)}]`), { nil: undefined }),
  nodeStartupTimeout: fc.option(fc.oneof(fc.constant(0), duration(30, 3600)), { nil: undefined }),
  unhealthyConditions: fc.option(fc.array(fc.record({
    type: fc.constantFrom('Ready', 'MemoryPressure', 'DiskPressure'), status: fc.constantFrom('True', 'False', 'Unknown'), timeout: duration(0, 3600),
  }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
}, { requiredKeys: [] });

type CpInput = Omit<ControlPlaneGroupProps, 'cluster'>;

const validControlPlane: fc.Arbitrary<CpInput> = fc.constantFrom(1, 3, 5, 7).chain((replicas) => fc.record({
  // Omitted replicas means the default, 3.
  replicas: replicas === 3 ? fc.constantFrom(3, undefined) : fc.constant(replicas),
  machineTemplate,
  rollout: fc.option(fc.record({
    maxSurge: fc.oneof(fc.constant(1), ...(replicas >= 3 ? [fc.constant(0), fc.constant('0%')] : []), percent(1, Math.floor(100 / replicas))),
  }), { nil: undefined }),
  remediation: fc.option(fc.record({
    maxRetry: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
    retryPeriod: fc.option(duration(0, 3600), { nil: undefined }),
    minHealthyPeriod: fc.option(duration(0, 7200), { nil: undefined }),
  }), { nil: undefined }),
  healthCheck: fc.option(healthCheckOptions(replicas).map((o) => HealthCheck.controlPlane(o)), { nil: undefined }),
  machineLabels: fc.option(labels, { nil: undefined }),
  kubeadm: kubeadmControlPlane,
  ...deletionTimeouts,
}, { requiredKeys: ['machineTemplate', 'replicas'] }));

type WgInput = Omit<WorkerGroupProps, 'cluster'>;

const scaling = fc.oneof(
  fc.record({ replicas: fc.integer({ min: 0, max: 20 }) }),
  fc.integer({ min: 0, max: 5 }).chain((min) => fc.integer({ min: Math.max(min, 1), max: 20 }).chain((max) => fc.record({
    min: fc.constant(min), max: fc.constant(max), replicas: fc.option(fc.integer({ min, max }), { nil: undefined }),
    // scaling from zero needs the node's size (the test template sets none)
    ...(min === 0 ? { capacity: fc.constant({ cpu: 4, memoryMiB: 8192 }) } : {}),
  }, { requiredKeys: min === 0 ? ['min', 'max', 'capacity'] : ['min', 'max'] }))),
);

const intOrPercent = fc.oneof(fc.integer({ min: 0, max: 5 }), percent(0, 100));
const strategy = fc.oneof(
  fc.constant({ type: 'OnDelete' as const }),
  fc.record({ type: fc.constant('RollingUpdate' as const), maxSurge: fc.option(intOrPercent, { nil: undefined }), maxUnavailable: fc.option(intOrPercent, { nil: undefined }) }, { requiredKeys: ['type'] })
    .filter((s) => parseInt(String(s.maxSurge ?? 1), 10) !== 0 || parseInt(String(s.maxUnavailable ?? 0), 10) !== 0),
);

const validWorkers = (clusterName: string): fc.Arbitrary<WgInput> => scaling.chain((sc) => fc.record({
  name: dnsLabel(62 - clusterName.length),
  machineTemplate,
  scaling: fc.constant(sc),
  strategy: fc.option(strategy, { nil: undefined }),
  deletionOrder: fc.option(fc.constantFrom('Random' as const, 'Newest' as const, 'Oldest' as const), { nil: undefined }),
  minReadySeconds: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
  progressDeadlineSeconds: fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }),
  revisionHistoryLimit: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
  roles: fc.option(fc.uniqueArray(fc.constantFrom('worker', 'ingress', 'gpu', 'infra', 'batch'), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  machineLabels: fc.option(labels, { nil: undefined }),
  healthCheck: fc.option(healthCheckOptions('min' in sc ? sc.min : sc.replicas).map((o) => HealthCheck.workers(o)), { nil: undefined }),
  failureDomain: fc.option(fc.constantFrom('az-1', 'nova'), { nil: undefined }),
  kubeadm: kubeadmWorker,
  ...deletionTimeouts,
}, { requiredKeys: ['name', 'machineTemplate'] }));

const validInput = validCluster.chain((cluster) => fc.record({
  cluster: fc.constant(cluster),
  cp: validControlPlane,
  workers: fc.array(validWorkers(cluster.name), { minLength: 0, maxLength: 2 }).filter((ws) => new Set(ws.map((w) => w.name)).size === ws.length),
}));

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
