/**
 * Pulumi twin of examples/providers-vsphere.ts (same props; test/pulumi/parity.test.ts compares the objects).
 *
 * vSphere (CAPV 1.16+, v1beta2): a VSphereCluster, 3 control-plane nodes and a worker group copied from them with more resources.
 */
import { Cluster, ControlPlaneGroup, HealthCheck, VSphereCluster, VSphereMachineTemplate, WorkerGroup } from '../../lib/pulumi';

export default function program(): void {
  const cluster = new Cluster('providers-vsphere-cluster', {
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
  });
  const controlPlane = new VSphereMachineTemplate({
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
  new ControlPlaneGroup('providers-vsphere-control-plane', { cluster, replicas: 3, machineTemplate: controlPlane, healthCheck: HealthCheck.controlPlane() });
  new WorkerGroup('providers-vsphere-workers', {
    cluster,
    name: 'workers',
    scaling: { min: 3, max: 6 },
    // The seed's "copy from an existing template": same placement, bigger machines.
    machineTemplate: VSphereMachineTemplate.from(controlPlane, { numCPUs: 8, memoryMiB: 16384, diskGiB: 100 }),
    healthCheck: HealthCheck.workers(),
  });
}
