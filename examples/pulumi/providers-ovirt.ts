/**
 * Pulumi twin of examples/providers-ovirt.ts (same props; test/pulumi/parity.test.ts compares the objects).
 *
 * oVirt: no public Cluster API CRD exists; the OVirtMachineTemplate layout follows the platform docs
 * (docs/providers.md). The OVirtCluster is managed by the platform and only referenced here.
 */
import { Cluster, ControlPlaneGroup, existingInfrastructureCluster, HealthCheck, OVirtMachineTemplate, WorkerGroup } from '../../lib/pulumi';

export default function program(): void {
  const cluster = new Cluster('providers-ovirt-cluster', {
    name: 'ovirt-prod',
    namespace: 'tenants',
    kubernetesVersion: 'v1.31.4',
    infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'OVirtCluster' }),
  });
  const nodes = new OVirtMachineTemplate({
    template: 'ubuntu-2404-kube-v1.31.4',
    cpu: { cores: 2, sockets: 2, threads: 1 },
    sizemb: 8192,
    osdisksizegb: 50,
    nics: [{ vnicprofile: 'ovirtmgmt' }],
  });
  new ControlPlaneGroup('providers-ovirt-control-plane', { cluster, replicas: 3, machineTemplate: nodes, healthCheck: HealthCheck.controlPlane() });
  new WorkerGroup('providers-ovirt-workers', {
    cluster,
    name: 'workers',
    scaling: { replicas: 3 },
    machineTemplate: OVirtMachineTemplate.from(nodes, { sizemb: 16384, osdisksizegb: 100 }),
    healthCheck: HealthCheck.workers(),
  });
}
