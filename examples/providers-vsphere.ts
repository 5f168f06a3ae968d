/**
 * vSphere (CAPV 1.16+, v1beta2): a VSphereCluster, 3 control-plane nodes and a worker group copied from them with more resources.
 *
 * The props are exported so that the Pulumi twin (examples/pulumi/providers-vsphere.ts) uses the same ones.
 */
import { App, Chart } from 'cdk8s';
import {
  Cluster, ClusterProps, ControlPlaneGroup, ControlPlaneGroupProps, HealthCheck, VSphereCluster, VSphereMachineTemplate,
  WorkerGroup, WorkerGroupProps,
} from '../lib';

/** The cluster, with its VSphereCluster and the API server's fixed address. */
export const clusterProps: ClusterProps = {
  name: 'vsphere-prod',
  namespace: 'tenants',
  kubernetesVersion: 'v1.31.4',
  controlPlaneEndpoint: { host: '10.20.0.10' },
  infrastructure: new VSphereCluster({
    server: 'vcenter.example.com',
    thumbprint: '5A:2B:3C:4D:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09:1A:2B:3C:4D',
    identityRef: { kind: 'Secret', name: 'vsphere-prod-credentials' },
    controlPlaneEndpoint: { host: '10.20.0.10' },
  }),
};

/** Control-plane machines: where they are placed and how big they are. */
export const controlPlaneTemplate = new VSphereMachineTemplate({
  template: 'ubuntu-2404-kube-v1.31.4',
  datacenter: 'DC1',
  datastore: 'vsanDatastore',
  folder: 'k8s/vsphere-prod',
  resourcePool: '*/Resources/k8s',
  numCPUs: 4,
  memoryMiB: 8192,
  diskGiB: 60,
  cloneMode: 'fullClone',
  networkName: 'k8s-nodes',
});

/** The seed's "copy from an existing template": same placement, bigger machines. */
export const workerTemplate = VSphereMachineTemplate.from(controlPlaneTemplate, { numCPUs: 8, memoryMiB: 16384, diskGiB: 100 });

export const controlPlane: Omit<ControlPlaneGroupProps, 'cluster'> = { replicas: 3, machineTemplate: controlPlaneTemplate, healthCheck: HealthCheck.controlPlane() };

export const workerGroup: Omit<WorkerGroupProps, 'cluster'> = {
  name: 'workers',
  scaling: { min: 3, max: 6 },
  machineTemplate: workerTemplate,
  healthCheck: HealthCheck.workers(),
};

export default function (app: App): void {
  const chart = new Chart(app, 'providers-vsphere');
  const cluster = new Cluster(chart, 'cluster', clusterProps);
  new ControlPlaneGroup(chart, 'control-plane', { cluster, ...controlPlane });
  new WorkerGroup(chart, 'workers', { cluster, ...workerGroup });
}
