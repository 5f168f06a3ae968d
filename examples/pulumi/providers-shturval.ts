/**
 * Pulumi twin of examples/providers-shturval.ts (same props; test/pulumi/parity.test.ts compares the objects).
 *
 * Shturval: machines land on hosts chosen by label. Control-plane nodes on hosts labelled directly,
 * workers on hosts chosen by expression. No public CRD exists; see docs/providers.md.
 */
import { Cluster, ControlPlaneGroup, existingInfrastructureCluster, HealthCheck, ShturvalMachineTemplate, WorkerGroup } from '../../lib/pulumi';

export default function program(): void {
  const cluster = new Cluster('providers-shturval-cluster', {
    name: 'shturval-prod',
    namespace: 'tenants',
    kubernetesVersion: 'v1.31.4',
    infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'ShturvalCluster' }),
  });
  new ControlPlaneGroup('providers-shturval-control-plane', {
    cluster,
    replicas: 3,
    machineTemplate: new ShturvalMachineTemplate({ hostSelector: { matchLabels: { 'hosts.example.com/pool': 'control-plane' } } }),
    healthCheck: HealthCheck.controlPlane(),
  });
  new WorkerGroup('providers-shturval-workers', {
    cluster,
    name: 'workers',
    scaling: { replicas: 4 },
    machineTemplate: new ShturvalMachineTemplate({
      hostSelector: {
        matchExpressions: [
          { key: 'hosts.example.com/pool', operator: 'In', values: ['workers', 'general'] },
          { key: 'hosts.example.com/maintenance', operator: 'DoesNotExist' },
        ],
      },
    }),
    healthCheck: HealthCheck.workers(),
  });
}
