/** Provider templates and clusters used by the provider tests: one full template per provider and version. */
import { Chart, Testing } from 'cdk8s';
import {
  BasisMachineTemplate, CapiVersion, Cluster, ControlPlaneGroup, InfrastructureCluster, MachineTemplate, OpenStackMachineTemplate,
  OVirtMachineTemplate, ShturvalMachineTemplate, VSphereMachineTemplate, WorkerGroup,
} from '../../lib';
import { TEST_INFRA, testCloudController } from '../support/infrastructure';
import { validationError } from '../support/validation-error';

export { validationError };

export function vsphere(version: 'v1beta2' | 'v1beta1'): VSphereMachineTemplate {
  return new VSphereMachineTemplate({
    version,
    template: 'ubuntu-2404-kube-v1.31.4',
    server: 'vcenter.example.com',
    datacenter: 'DC1',
    datastore: 'ds-ssd',
    folder: 'k8s/prod',
    resourcePool: '*/Resources/k8s',
    numCPUs: 4,
    memoryMiB: 8192,
    diskGiB: 60,
    cloneMode: 'fullClone',
    networks: [
      { networkName: 'VM Network' },
      { networkName: 'storage', dhcp4: false, addressesFromPools: [{ kind: 'InClusterIPPool', name: 'storage-pool' }] },
    ],
    powerOffMode: 'trySoft',
    guestSoftPowerOffTimeout: '5m',
    templateMetadata: { labels: { tier: 'prod' } },
  });
}

export function openstack(version: 'v1beta1' | 'v1beta2'): OpenStackMachineTemplate {
  return new OpenStackMachineTemplate({
    version,
    cloudName: 'openstack',
    secretName: 'prod-cloud-config',
    flavor: 'm1.large',
    image: 'ubuntu-2404-kube-v1.31.4',
    sshKeyName: 'ops',
    rootVolume: { sizeGiB: 50, volumeType: 'ceph-ssd' },
    securityGroups: ['k8s-extra'],
  });
}

export function ovirt(): OVirtMachineTemplate {
  return new OVirtMachineTemplate({
    template: 'ubuntu-2404-kube', cpu: { cores: 2, sockets: 2, threads: 1 }, sizemb: 8192, osdisksizegb: 50,
    nics: [{ vnicprofile: 'ovirtmgmt' }],
  });
}

export function basis(): BasisMachineTemplate {
  return new BasisMachineTemplate({ image: 'ubuntu-2404-kube', cpu: 4, memory: 8192, disk: 50 });
}

export function shturval(): ShturvalMachineTemplate {
  return new ShturvalMachineTemplate({
    hostSelector: {
      matchLabels: { 'shturval.tech/pool': 'prod' },
      matchExpressions: [
        { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a', 'zone-b'] },
        { key: 'maintenance', operator: 'DoesNotExist' },
      ],
    },
  });
}

export type Role = 'control-plane' | 'worker';

/** A chart with a cluster and ONE group of `role` using `template`. */
export function groupChart(template: MachineTemplate, role: Role, opts: { capi?: CapiVersion; infrastructure?: InfrastructureCluster; groupName?: string } = {}): Chart {
  const chart = new Chart(Testing.app(), 'providers');
  const cluster = new Cluster(chart, 'cluster', {
    name: 'prod', namespace: 'tenants', cni: 'calico', kubernetesVersion: 'v1.31.4', apiVersion: opts.capi ?? 'v1beta2', infrastructure: opts.infrastructure ?? TEST_INFRA,
    cloudController: testCloudController(opts.infrastructure ?? TEST_INFRA),
  });
  if (role === 'control-plane') new ControlPlaneGroup(chart, 'cp', { cluster, machineTemplate: template });
  else new WorkerGroup(chart, 'md', { cluster, name: opts.groupName ?? 'workers', machineTemplate: template, scaling: { replicas: 2 } });
  return chart;
}


/** The issue paths of the ValidationError `fn` throws. */
export function issuePaths(fn: () => unknown): string[] {
  return validationError(fn).issues.map((i) => i.path);
}
