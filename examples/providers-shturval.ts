/**
 * Shturval: machines land on hosts chosen by label. Control-plane nodes on hosts labelled directly,
 * workers on hosts chosen by expression. No public CRD exists; see docs/providers.md.
 */
import { App, Chart } from 'cdk8s';
import { Cluster, ControlPlaneGroup, existingInfrastructureCluster, HealthCheck, ShturvalMachineTemplate, WorkerGroup } from '../lib';

export default function (app: App): void {
  const chart = new Chart(app, 'providers-shturval');
  const cluster = new Cluster(chart, 'cluster', {
    name: 'shturval-prod',
    namespace: 'tenants',
    kubernetesVersion: 'v1.31.4',
    infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'ShturvalCluster' }),
  });
  new ControlPlaneGroup(chart, 'control-plane', {
    cluster,
    replicas: 3,
    machineTemplate: new ShturvalMachineTemplate({ hostSelector: { matchLabels: { 'hosts.example.com/pool': 'control-plane' } } }),
    healthCheck: HealthCheck.controlPlane(),
  });
  new WorkerGroup(chart, 'workers', {
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
