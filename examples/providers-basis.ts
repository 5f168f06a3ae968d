/**
 * Basis Dynamix: no public Cluster API CRD exists; the BasisMachineTemplate layout follows the platform
 * docs (docs/providers.md). The BasisCluster is managed by the platform and only referenced here.
 */
import { App, Chart } from 'cdk8s';
import { BasisMachineTemplate, Cluster, ControlPlaneGroup, existingInfrastructureCluster, HealthCheck, WorkerGroup } from '../lib';

export default function (app: App): void {
  const chart = new Chart(app, 'providers-basis');
  const cluster = new Cluster(chart, 'cluster', {
    name: 'basis-prod',
    namespace: 'tenants',
    kubernetesVersion: 'v1.31.4',
    infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'BasisCluster' }),
  });
  const nodes = new BasisMachineTemplate({ image: 'ubuntu-2404-kube-v1.31.4', cpu: 4, memory: 8192, disk: 50 });
  new ControlPlaneGroup(chart, 'control-plane', { cluster, replicas: 3, machineTemplate: nodes, healthCheck: HealthCheck.controlPlane() });
  new WorkerGroup(chart, 'workers', {
    cluster,
    name: 'workers',
    scaling: { min: 3, max: 8 },
    machineTemplate: BasisMachineTemplate.from(nodes, { cpu: 8, memory: 16384 }),
    healthCheck: HealthCheck.workers(),
  });
}
