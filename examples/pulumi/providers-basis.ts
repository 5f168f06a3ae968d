/**
 * Pulumi twin of examples/providers-basis.ts (same props; test/pulumi/parity.test.ts compares the objects).
 *
 * Basis Dynamix: no public Cluster API CRD exists; the BasisMachineTemplate layout follows the platform
 * docs (docs/providers.md). The BasisCluster is managed by the platform and only referenced here.
 */
import { BasisMachineTemplate, Cluster, ControlPlaneGroup, existingInfrastructureCluster, HealthCheck, WorkerGroup } from '../../lib/pulumi';

export default function program(): void {
  const cluster = new Cluster('providers-basis-cluster', {
    name: 'basis-prod',
    namespace: 'tenants',
    kubernetesVersion: 'v1.31.4',
    infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'BasisCluster' }),
  });
  const nodes = new BasisMachineTemplate({ image: 'ubuntu-2404-kube-v1.31.4', cpu: 4, memory: 8192, disk: 50 });
  new ControlPlaneGroup('providers-basis-control-plane', { cluster, replicas: 3, machineTemplate: nodes, healthCheck: HealthCheck.controlPlane() });
  new WorkerGroup('providers-basis-workers', {
    cluster,
    name: 'workers',
    scaling: { min: 3, max: 8 },
    machineTemplate: BasisMachineTemplate.from(nodes, { cpu: 8, memory: 16384 }),
    healthCheck: HealthCheck.workers(),
  });
}
