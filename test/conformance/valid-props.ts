/**
 * fast-check generators of valid ClusterProps / ControlPlaneGroupProps / WorkerGroupProps (v1beta2 and
 * v1beta1): the property suite (properties.test.ts) checks their output against the CRD schemas, and
 * test/cluster/properties.test.ts applies a bounded sample to the real management cluster.
 */
import fc from 'fast-check';
import { ClusterProps, ControlPlaneGroupProps, CustomMachineTemplate, HealthCheck, HealthCheckOptions, OpenStackCluster, VSphereCluster, WorkerGroupProps } from '../../lib';
import { TEST_INFRA } from '../support/infrastructure';

// ------------------------------------------------------------------------------------------------
// Valid generators

export const dnsLabel = (max: number) => fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/).filter((s) => s.length <= max);
export const labelName = fc.stringMatching(/^[a-z0-9]([-a-z0-9_.]{0,12}[a-z0-9])?$/);
export const labelKey = fc.tuple(fc.constantFrom('', 'example.com/', 'node.cluster.x-k8s.io/', 'node-role.kubernetes.io/'), labelName).map(([p, n]) => p + n);
export const labelValue = fc.stringMatching(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,12}[A-Za-z0-9])?)?$/);
export const labels = fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 3 });
export const capiVersion = fc.constantFrom('v1beta2' as const, 'v1beta1' as const);

/** A duration of `min..max` seconds, as a number or a Go duration string. */
export const duration = (min: number, max: number) => fc.integer({ min, max }).chain((n) => fc.constantFrom<string | number>(
  n, `${n}s`, ...(n % 60 === 0 && n > 0 ? [`${n / 60}m`] : []), ...(n % 3600 === 0 && n > 0 ? [`${n / 3600}h`] : []),
  ...(n > 60 && n % 60 !== 0 ? [`${Math.floor(n / 60)}m${n % 60}s`] : []),
));
export const percent = (min: number, max: number) => fc.integer({ min, max }).map((n) => `${n}%`);

export const nodeFailureDetection = fc.integer({ min: 1, max: 20 }).chain((freq) => fc.integer({ min: freq + 1, max: 300 }).chain((grace) => fc.record({
  nodeStatusUpdateFrequency: fc.constant(freq).chain((f) => fc.constantFrom<string | number>(f, `${f}s`)),
  nodeMonitorPeriod: duration(1, grace - 1),
  nodeMonitorGracePeriod: fc.constant(grace).chain((g) => fc.constantFrom<string | number>(g, `${g}s`)),
})));

export const cidr = fc.tuple(fc.integer({ min: 10, max: 192 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 24 })).map(([a, b, m]) => `${a}.${b}.0.0/${m}`);

export const validCluster: fc.Arbitrary<ClusterProps> = fc.record({
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
export const kubeadmNode = {
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
export const args = fc.option(fc.record({ extraArgs: fc.dictionary(fc.constantFrom('v', 'profiling', 'audit-log-maxage'), fc.constantFrom('2', 'false', '30'), { minKeys: 1 }) }), { nil: undefined });
export const kubeadmWorker = fc.option(fc.record(kubeadmNode, { requiredKeys: [] }), { nil: undefined });
export const kubeadmControlPlane = fc.option(fc.record({
  ...kubeadmNode, apiServer: args, controllerManager: args, scheduler: args,
  etcd: fc.option(fc.record({ dataDir: fc.option(fc.constant('/var/lib/etcd-data'), { nil: undefined }), extraArgs: fc.option(fc.constant({ 'quota-backend-bytes': '8589934592' }), { nil: undefined }) }), { nil: undefined }),
}, { requiredKeys: [] }), { nil: undefined });

/**
 * Infrastructure templates with a public CRD, written as raw fields, so the template object is
 * schema-checked too (the typed provider classes have their own suites).
 */
export const machineTemplate = fc.oneof(
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

export const deletionTimeouts = {
  nodeDrainTimeout: fc.option(duration(0, 7200), { nil: undefined }),
  nodeVolumeDetachTimeout: fc.option(duration(0, 7200), { nil: undefined }),
  nodeDeletionTimeout: fc.option(duration(0, 600), { nil: undefined }),
};

export const healthCheckOptions = (minSize: number): fc.Arbitrary<HealthCheckOptions> => fc.record({
  maxUnhealthy: fc.option(fc.oneof(fc.integer({ min: 0, max: Math.max(minSize, 1) }), percent(0, 100)), { nil: undefined }),
  unhealthyRange: fc.option(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })).map(([a, b]) => `[${Math.min(a, b)}-${Math.max(a, b)}]`), { nil: undefined }),
  nodeStartupTimeout: fc.option(fc.oneof(fc.constant(0), duration(30, 3600)), { nil: undefined }),
  unhealthyConditions: fc.option(fc.array(fc.record({
    type: fc.constantFrom('Ready', 'MemoryPressure', 'DiskPressure'), status: fc.constantFrom('True', 'False', 'Unknown'), timeout: duration(0, 3600),
  }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
}, { requiredKeys: [] });

export type CpInput = Omit<ControlPlaneGroupProps, 'cluster'>;

export const validControlPlane: fc.Arbitrary<CpInput> = fc.constantFrom(1, 3, 5, 7).chain((replicas) => fc.record({
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

export type WgInput = Omit<WorkerGroupProps, 'cluster'>;

export const scaling = fc.oneof(
  fc.record({ replicas: fc.integer({ min: 0, max: 20 }) }),
  fc.integer({ min: 0, max: 5 }).chain((min) => fc.integer({ min: Math.max(min, 1), max: 20 }).chain((max) => fc.record({
    min: fc.constant(min), max: fc.constant(max), replicas: fc.option(fc.integer({ min, max }), { nil: undefined }),
    // scaling from zero needs the node's size (the test template sets none)
    ...(min === 0 ? { capacity: fc.constant({ cpu: 4, memoryMiB: 8192 }) } : {}),
  }, { requiredKeys: min === 0 ? ['min', 'max', 'capacity'] : ['min', 'max'] }))),
);

export const intOrPercent = fc.oneof(fc.integer({ min: 0, max: 5 }), percent(0, 100));
export const strategy = fc.oneof(
  fc.constant({ type: 'OnDelete' as const }),
  fc.record({ type: fc.constant('RollingUpdate' as const), maxSurge: fc.option(intOrPercent, { nil: undefined }), maxUnavailable: fc.option(intOrPercent, { nil: undefined }) }, { requiredKeys: ['type'] })
    .filter((s) => parseInt(String(s.maxSurge ?? 1), 10) !== 0 || parseInt(String(s.maxUnavailable ?? 0), 10) !== 0),
);

export const validWorkers = (clusterName: string): fc.Arbitrary<WgInput> => scaling.chain((sc) => fc.record({
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

export const validInput = validCluster.chain((cluster) => fc.record({
  cluster: fc.constant(cluster),
  cp: validControlPlane,
  workers: fc.array(validWorkers(cluster.name), { minLength: 0, maxLength: 2 }).filter((ws) => new Set(ws.map((w) => w.name)).size === ws.length),
}));
