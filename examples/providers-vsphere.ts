/**
 * vSphere (CAPV 1.16+, v1beta2): a VSphereCluster, 3 control-plane nodes and a worker group copied from them with more resources.
 *
 * It boots as CAPV's own template does: kube-vip (a static pod on the control-plane machines) holds
 * the endpoint 10.20.0.10, a free address in the nodes' network; every node runs with the external
 * cloud provider, the containerd socket and CAPV's hostname commands; `ops` logs in with an SSH key.
 * Its components come from the management cluster (docs/components.md): Calico and the vSphere CPI
 * (which sets the nodes' provider IDs), each a Flux HelmRelease through the cluster's kubeconfig; the
 * CPI's cloud config comes from the resource-set Secret `vsphere-prod-cloud-controller` you create, applied by
 * a ClusterResourceSet. The vSphere CSI driver is not installed by the library yet (docs/components.md).
 *
 * The props are exported so that the Pulumi twin (examples/pulumi/providers-vsphere.ts) uses the same ones.
 */
import { App, Chart } from 'cdk8s';
import {
  Cluster, ClusterProps, ControlPlaneGroup, ControlPlaneGroupProps, HealthCheck, VSphereCluster, VSphereMachineTemplate,
  WorkerGroup, WorkerGroupProps,
} from '../lib';

/** The cluster, with its VSphereCluster; kube-vip holds the API server's virtual IP. */
export const clusterProps: ClusterProps = {
  name: 'vsphere-prod',
  namespace: 'tenants',
  kubernetesVersion: 'v1.31.4',
  cni: 'calico',
  // the Secret (type addons.cluster.x-k8s.io/resource-set) that delivers kube-system/cloud-config (vsphere.conf) and its credentials Secret
  cloudController: { credentialsSecret: 'vsphere-prod-cloud-controller' },
  infrastructure: new VSphereCluster({
    server: 'vcenter.example.com',
    thumbprint: '5A:2B:3C:4D:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09:1A:2B:3C:4D',
    identityRef: { kind: 'Secret', name: 'vsphere-prod-credentials' },
    controlPlaneEndpoint: { host: '10.20.0.10' },
    // the default; 'external' when a load balancer of yours holds the address instead
    controlPlaneLoadBalancer: 'kube-vip',
  }),
};

/** SSH access to every node, with a public key (never a password). */
const kubeadm = {
  users: [{ name: 'ops', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example.com'], sudo: 'ALL=(ALL) NOPASSWD:ALL' }],
  ntp: { servers: ['ntp.example.com'] },
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

export const controlPlane: Omit<ControlPlaneGroupProps, 'cluster'> = { replicas: 3, machineTemplate: controlPlaneTemplate, healthCheck: HealthCheck.controlPlane(), kubeadm };

export const workerGroup: Omit<WorkerGroupProps, 'cluster'> = {
  name: 'workers',
  scaling: { min: 3, max: 6 },
  machineTemplate: workerTemplate,
  healthCheck: HealthCheck.workers(),
  kubeadm: { ...kubeadm, kubeletExtraArgs: { 'max-pods': '150' } },
};

export default function (app: App): void {
  const chart = new Chart(app, 'providers-vsphere');
  const cluster = new Cluster(chart, 'cluster', clusterProps);
  new ControlPlaneGroup(chart, 'control-plane', { cluster, ...controlPlane });
  new WorkerGroup(chart, 'workers', { cluster, ...workerGroup });
}
