/**
 * Day 2 of a vSphere fleet cluster: a worker group per Kubernetes version, workers spread over three
 * failure domains, a GPU group that the cluster-autoscaler grows from zero, and the components' drift
 * detection (docs/day-2.md, "Upgrading worker groups in stages").
 *
 * - The control plane runs v1.32.3; `general` is upgraded with it, `legacy` still runs v1.31.8 (one
 *   minor behind: legal, with a warning that Cluster API creates no new machines for it until it catches up).
 * - The VSphereCluster defines three failure domains (a VSphereFailureDomain and VSphereDeploymentZone
 *   each, one per compute cluster); the control plane spreads its 3 machines over them.
 * - `general` becomes three MachineDeployments, `vsphere-day2-general-zone-a/-b/-c`, 7 machines split 3, 2, 2.
 * - `gpu` scales between 0 and 4; the autoscaler learns the node size from the template (8 CPUs, 64 GiB)
 *   and the GPUs from `scaling.capacity`.
 *
 * The props are exported so that the Pulumi twin (examples/pulumi/day-2.ts) uses the same ones.
 */
import { App, Chart } from 'cdk8s';
import {
  Cluster, ClusterProps, ControlPlaneGroup, ControlPlaneGroupProps, HealthCheck, VSphereCluster, VSphereMachineTemplate, WorkerGroup,
  WorkerGroupProps,
} from '../lib';

export const clusterProps: ClusterProps = {
  name: 'vsphere-day2',
  namespace: 'tenants',
  kubernetesVersion: 'v1.32.3',
  cni: 'calico',
  cloudController: { credentialsSecret: 'vsphere-day2-cloud-controller' },
  // the CNI reports drift without correcting it; the cloud controller keeps the default (corrected)
  componentDriftDetection: { cni: { mode: 'warn' } },
  infrastructure: new VSphereCluster({
    server: 'vcenter.example.com',
    thumbprint: '5A:2B:3C:4D:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09:1A:2B:3C:4D',
    identityRef: { kind: 'Secret', name: 'vsphere-day2-credentials' },
    controlPlaneEndpoint: { host: '10.20.0.11' },
    // one failure domain per compute cluster: the control plane spreads over all three, the workers of `general` too
    failureDomains: ['a', 'b', 'c'].map((z) => ({
      name: `zone-${z}`,
      region: { name: 'dc1', tagCategory: 'k8s-region', type: 'Datacenter' as const },
      zone: { name: `zone-${z}`, tagCategory: 'k8s-zone', type: 'ComputeCluster' as const },
      topology: { datacenter: 'DC1', computeCluster: `cluster-${z}`, datastore: `vsan-${z}` },
      resourcePool: `cluster-${z}/Resources/k8s`,
    })),
  }),
};

const placement = { datacenter: 'DC1', datastore: 'vsanDatastore', folder: 'k8s/vsphere-day2', resourcePool: '*/Resources/k8s', networkName: 'k8s-nodes' } as const;

/** The image of each version: image-builder names carry it, and the library checks that it matches the group's. */
const node = (version: string, size: { numCPUs: number; memoryMiB: number; diskGiB: number }) => new VSphereMachineTemplate({
  template: `ubuntu-2404-kube-${version}`, ...placement, ...size, cloneMode: 'fullClone',
});

export const controlPlane: Omit<ControlPlaneGroupProps, 'cluster'> = {
  replicas: 3, machineTemplate: node('v1.32.3', { numCPUs: 4, memoryMiB: 8192, diskGiB: 60 }), healthCheck: HealthCheck.controlPlane(),
};

export const workerGroups: Omit<WorkerGroupProps, 'cluster'>[] = [
  {
    name: 'general',
    machineTemplate: node('v1.32.3', { numCPUs: 8, memoryMiB: 16384, diskGiB: 100 }),
    scaling: { replicas: 7 },
    failureDomains: ['zone-a', 'zone-b', 'zone-c'],
    healthCheck: HealthCheck.workers(),
  },
  {
    name: 'legacy',
    kubernetesVersion: 'v1.31.8',
    machineTemplate: node('v1.31.8', { numCPUs: 4, memoryMiB: 8192, diskGiB: 60 }),
    scaling: { replicas: 2 },
  },
  {
    name: 'gpu',
    machineTemplate: node('v1.32.3', { numCPUs: 8, memoryMiB: 65536, diskGiB: 200 }),
    scaling: { min: 0, max: 4, capacity: { gpuType: 'nvidia.com/gpu', gpuCount: 1 } },
    roles: ['gpu'],
    kubeadm: { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] },
  },
];

export default function (app: App): void {
  const chart = new Chart(app, 'day-2');
  const cluster = new Cluster(chart, 'cluster', clusterProps);
  new ControlPlaneGroup(chart, 'control-plane', { cluster, ...controlPlane });
  for (const g of workerGroups) new WorkerGroup(chart, g.name, { cluster, ...g });
}
