/**
 * The generated fleet of the benchmark: N clusters, each with a 3-node control plane, 4 worker
 * groups on mixed infrastructure providers, MachineHealthChecks on every group and 2 add-ons.
 *
 * Providers and add-ons plug in through {@link PROVIDERS} and {@link ADDONS}: each entry builds the
 * library's typed class when it exists (lib/core/providers/*, lib/core/addons/*) and falls back to a
 * stand-in of the same shape otherwise, so the benchmark runs at every stage of the project.
 * `describeFleet()` says which ones are real.
 */
import { ClusterSpec } from '../lib/core/fleet/render';
import { HealthCheck } from '../lib/core/nodes/health-check';
import { CustomMachineTemplate, MachineTemplate } from '../lib/core/nodes/machine-template';
import { ClusterComponent, ClusterRef, InfrastructureCluster } from '../lib/core/cluster/cluster';
import { Rendered } from '../lib/core/output/manifest';

interface Plugin<T> {
  readonly name: string;
  /** Builds the typed library value, or throws if the library does not have it (yet). */
  readonly real: (i: number) => T;
  /** Same shape, from generic parts. */
  readonly standIn: (i: number) => T;
}

function tryRequire(path: string): any {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path);
  } catch {
    return undefined;
  }
}

/**
 * An exported class of a library module, looked up once: `require` on every call would cost a module
 * resolution per template, inside the benchmark's timed part, that no real program pays.
 */
const classes = new Map<string, any>();
function libClass(path: string, name: string): any {
  const key = `${path}#${name}`;
  if (!classes.has(key)) classes.set(key, tryRequire(path)?.[name]);
  return classes.get(key);
}

const PROVIDERS: Plugin<MachineTemplate>[] = [
  {
    name: 'vsphere',
    real: (i) => new (libClass('../lib/core/providers/vsphere', 'VSphereMachineTemplate'))({
      template: 'ubuntu-2204-kube-v1.31.4', server: 'vcenter.example.com', datacenter: 'dc1', datastore: `ds-${i % 4}`,
      folder: '/dc1/vm/k8s', resourcePool: '/dc1/host/cl1/Resources', numCPUs: 4, memoryMiB: 8192, diskGiB: 60, networkName: 'k8s-net', cloneMode: 'fullClone',
    }),
    standIn: (i) => new CustomMachineTemplate({
      kind: 'VSphereMachineTemplate', version: 'v1beta1',
      spec: { template: 'ubuntu-2204-kube-v1.31.4', server: 'vcenter.example.com', datacenter: 'dc1', datastore: `ds-${i % 4}`, numCPUs: 4, memoryMiB: 8192, diskGiB: 60, network: { devices: [{ networkName: 'k8s-net', dhcp4: true }] } },
    }),
  },
  {
    name: 'openstack',
    real: (i) => new (libClass('../lib/core/providers/openstack', 'OpenStackMachineTemplate'))({
      flavor: i % 2 ? 'm1.large' : 'm1.xlarge', image: 'ubuntu-2204-kube-v1.31.4', sshKeyName: 'ops', securityGroups: ['k8s-nodes'], tags: ['fleet'],
    }),
    standIn: (i) => new CustomMachineTemplate({
      kind: 'OpenStackMachineTemplate', version: 'v1beta1',
      spec: { flavor: i % 2 ? 'm1.large' : 'm1.xlarge', image: { filter: { name: 'ubuntu-2204-kube-v1.31.4' } }, sshKeyName: 'ops', securityGroups: [{ filter: { name: 'k8s-nodes' } }], tags: ['fleet'] },
    }),
  },
  {
    name: 'ovirt',
    real: (i) => new (libClass('../lib/core/providers/ovirt', 'OVirtMachineTemplate'))({
      template: 'ubuntu-2204-kube-v1.31.4', cpu: { cores: 4, sockets: 1 }, sizemb: 8192 + 1024 * (i % 2), osdisksizegb: 60, nics: [{ vnicprofile: 'k8s' }],
    }),
    standIn: (i) => new CustomMachineTemplate({
      kind: 'OVirtMachineTemplate', version: 'v1beta1',
      spec: { template: 'ubuntu-2204-kube-v1.31.4', cpu: { cores: 4, sockets: 1 }, sizemb: 8192 + 1024 * (i % 2), osdisksizegb: 60, nics: [{ vnicprofile: 'k8s' }] },
    }),
  },
  {
    name: 'basis',
    real: (i) => new (libClass('../lib/core/providers/basis', 'BasisMachineTemplate'))({
      image: 'ubuntu-2204-kube-v1.31.4', cpu: 4, memory: 8192, disk: 50 + (i % 2) * 10,
    }),
    standIn: (i) => new CustomMachineTemplate({
      kind: 'BasisMachineTemplate', version: 'v1alpha1',
      spec: { image: 'ubuntu-2204-kube-v1.31.4', cpu: 4, memory: 8192, bootDiskSize: 50 + (i % 2) * 10, network: 'k8s-net' },
    }),
  },
  {
    name: 'shturval',
    real: (i) => new (libClass('../lib/core/providers/shturval', 'ShturvalMachineTemplate'))({
      hostSelector: { matchLabels: { 'shturval.example.com/pool': i % 2 ? 'standard-4' : 'standard-8' } },
    }),
    standIn: (i) => new CustomMachineTemplate({
      kind: 'ShturvalMachineTemplate', version: 'v1beta1',
      spec: { flavor: i % 2 ? 'standard-4' : 'standard-8', image: 'ubuntu-2204-kube-v1.31.4', diskSize: 60 },
    }),
  },
];

/**
 * The infrastructure cluster of cluster i (every Cluster needs one): a VSphereCluster with kube-vip for
 * every third cluster, an OpenStackCluster for the others, each bringing its provider bootstrap.
 */
const INFRASTRUCTURE: Plugin<InfrastructureCluster> = {
  name: 'infrastructure',
  real: (i) => (i % 3 === 0
    ? new (libClass('../lib/core/providers/vsphere', 'VSphereCluster'))({
      server: 'vcenter.example.com', identityRef: { kind: 'Secret', name: 'vsphere-credentials' }, controlPlaneEndpoint: { host: `10.${(i >> 8) & 255}.${i & 255}.10` },
    })
    : new (libClass('../lib/core/providers/openstack', 'OpenStackCluster'))({
      cloudName: 'openstack', secretName: 'fleet-cloud-config', externalNetwork: 'public', managedSubnets: [{ cidr: '10.6.0.0/24' }], apiServerLoadBalancer: true,
    })),
  standIn: (i) => ({ apiGroup: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', kind: 'OpenStackCluster', spec: { identityRef: { cloudName: 'openstack', name: 'fleet-cloud-config' }, apiServerLoadBalancer: { enabled: i >= 0 } } }),
};

/** A stand-in add-on (Flux HelmRepository + HelmRelease) used until the library's add-ons exist. */
class StandInAddon implements ClusterComponent {
  public readonly subject: string;
  constructor(public readonly id: string, private readonly chart: string, private readonly version: string) {
    this.subject = `ClusterAddon "${id}"`;
  }

  render(c: ClusterRef): Rendered {
    const name = `${c.name}-${this.id}`;
    const labels = { 'cluster.x-k8s.io/cluster-name': c.name };
    return {
      manifests: [
        { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name, namespace: c.namespace, labels }, spec: { interval: '1h', url: `https://charts.example.com/${this.chart}` } },
        {
          apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name, namespace: c.namespace, labels },
          spec: {
            interval: '10m', releaseName: this.id, targetNamespace: this.id, install: { createNamespace: true }, kubeConfig: { secretRef: { name: `${c.name}-kubeconfig` } },
            chart: { spec: { chart: this.chart, version: this.version, sourceRef: { kind: 'HelmRepository', name } } },
          },
        },
      ],
      warnings: [],
    };
  }
}

/** A catalog add-on (lib/core/addons `addonComponent`) as a per-cluster component: the same render function as the ClusterAddon construct. */
const addonComponents = new Map<string, ClusterComponent>();
function catalogAddon(addon: string): ClusterComponent {
  const cached = addonComponents.get(addon);
  if (cached) return cached;
  const component: ClusterComponent = tryRequire('../lib/core/addons/addon').addonComponent({ addon });
  component.render({ name: 'probe', namespace: 'default', kubernetesVersion: 'v1.31.4', apiVersion: 'v1beta2' });
  addonComponents.set(addon, component);
  return component;
}

const ADDONS: Plugin<ClusterComponent>[] = [
  { name: 'jupyterhub', real: () => catalogAddon('jupyterhub'), standIn: () => new StandInAddon('jupyterhub', 'jupyterhub', '4.0.0') },
  { name: 'kuberay', real: () => catalogAddon('kuberay'), standIn: () => new StandInAddon('kuberay', 'kuberay-operator', '1.2.2') },
];

interface Resolved<T> { name: string; real: boolean; make: (i: number) => T }

function resolve<T>(plugins: Plugin<T>[]): Resolved<T>[] {
  return plugins.map((pl) => {
    try {
      pl.real(0);
      return { name: pl.name, real: true, make: pl.real };
    } catch {
      return { name: pl.name, real: false, make: pl.standIn };
    }
  });
}

interface Plugins { providers: Resolved<MachineTemplate>[]; addons: Resolved<ClusterComponent>[]; infrastructure: Resolved<InfrastructureCluster> }
let cache: Plugins | undefined;
function plugins(): Plugins {
  cache ??= { providers: resolve(PROVIDERS), addons: resolve(ADDONS), infrastructure: resolve([INFRASTRUCTURE])[0] };
  return cache;
}

/** Which providers and add-ons are the library's own and which are stand-ins. */
export function describeFleet(): string {
  const { providers, addons, infrastructure } = plugins();
  const fmt = (xs: { name: string; real: boolean }[]) => xs.map((x) => `${x.name}${x.real ? '' : ' (stand-in)'}`).join(', ');
  return `providers: ${fmt(providers)}; ${fmt([infrastructure])}; add-ons: ${fmt(addons)}`;
}

/** Cluster i of the fleet. Each group uses a different provider; the mix rotates with i. */
export function clusterSpec(i: number): ClusterSpec {
  const { providers, addons, infrastructure } = plugins();
  const P = providers.length;
  const tpl = (k: number) => providers[(i + k) % P].make(i);
  const name = `fleet-${String(i).padStart(4, '0')}`;
  const autoscaled = i % 3 === 0;
  return {
    cluster: {
      name,
      // 50 clusters per namespace from the 1,000th on: add-on names carry a 4-character suffix per cluster
      // (36^4 values), and 500 clusters in one namespace (10,000 over 20) gave two clusters the same
      // add-on names, which an App rightly refuses
      namespace: i < 1000 ? `tenant-${i % 20}` : `tenant-${i % 20}-${Math.floor(i / 1000)}`,
      kubernetesVersion: 'v1.31.4',
      // components: Calico, and the provider's cloud controller manager with its credentials Secret
      cni: 'calico',
      cloudController: { credentialsSecret: `${name}-cloud-controller` },
      infrastructure: infrastructure.make(i),
      clusterNetwork: { pods: ['10.244.0.0/16'], services: ['10.96.0.0/12'] },
      labels: { 'fleet.example.com/region': ['eu', 'us', 'ap'][i % 3], 'fleet.example.com/tier': i % 10 === 0 ? 'gold' : 'standard' },
      nodeFailureDetection: i % 2 ? { nodeStatusUpdateFrequency: '10s', nodeMonitorPeriod: '5s', nodeMonitorGracePeriod: '40s' } : undefined,
    },
    controlPlane: {
      machineTemplate: tpl(0),
      replicas: 3,
      remediation: { maxRetry: 5, retryPeriod: '2m' },
      nodeDrainTimeout: '5m',
      healthCheck: HealthCheck.controlPlane(),
    },
    workers: [
      { name: 'general', machineTemplate: tpl(1), scaling: autoscaled ? { min: 3, max: 12 } : { replicas: 3 }, roles: ['worker'], healthCheck: HealthCheck.workers() },
      { name: 'memory', machineTemplate: tpl(2), scaling: { min: 3, max: 6 }, roles: ['worker', 'memory'], strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: 0 }, healthCheck: HealthCheck.workers() },
      { name: 'batch', machineTemplate: tpl(3), scaling: { replicas: 3 + (i % 4) }, deletionOrder: 'Oldest', machineLabels: { 'node.cluster.x-k8s.io/pool': 'batch' }, healthCheck: HealthCheck.workers({ nodeStartupTimeout: '15m' }) },
      { name: 'ingress', machineTemplate: tpl(4), scaling: { replicas: 2 }, roles: ['ingress'], minReadySeconds: 30, healthCheck: HealthCheck.workers({ maxUnhealthy: 1 }) },
    ],
    components: addons.map((a) => a.make(i)),
  };
}

/** The first n clusters of the fleet. */
export function fleetSpecs(n: number): ClusterSpec[] {
  return Array.from({ length: n }, (_, i) => clusterSpec(i));
}
