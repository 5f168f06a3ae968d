/**
 * Node management (issue #2): a cluster with a 3-node control plane, an autoscaled worker group,
 * dedicated ingress nodes and the seed's health-check presets, for Cluster API v1beta2 and for a
 * v1beta1 management cluster.
 */
import { App, Chart } from 'cdk8s';
import { Cluster, ControlPlaneGroup, CustomMachineTemplate, HealthCheck, WorkerGroup } from '../lib';

function nodeGroups(app: App, chartName: string, apiVersion: 'v1beta2' | 'v1beta1'): void {
  const chart = new Chart(app, chartName);
  const cluster = new Cluster(chart, 'cluster', {
    name: `prod-${apiVersion}`,
    namespace: 'tenants',
    kubernetesVersion: 'v1.31.4',
    apiVersion,
    clusterNetwork: { pods: ['10.244.0.0/16'], services: ['10.96.0.0/12'] },
    nodeFailureDetection: { nodeStatusUpdateFrequency: '10s', nodeMonitorPeriod: '5s', nodeMonitorGracePeriod: '40s' },
  });
  // Any provider works; the typed provider templates are in examples/providers-*.ts.
  const machineTemplate = new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
  new ControlPlaneGroup(chart, 'control-plane', {
    cluster,
    replicas: 3,
    machineTemplate,
    rollout: { maxSurge: 1 },
    remediation: { maxRetry: 5, retryPeriod: '2m', minHealthyPeriod: '1h' },
    nodeDrainTimeout: '5m',
    nodeVolumeDetachTimeout: '5m',
    nodeDeletionTimeout: '10s',
    healthCheck: HealthCheck.controlPlane(),
  });
  new WorkerGroup(chart, 'workers', {
    cluster,
    name: 'workers',
    scaling: { min: 3, max: 10 },
    strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: 0 },
    minReadySeconds: 30,
    roles: ['worker'],
    machineTemplate,
    healthCheck: HealthCheck.workers(),
  });
  WorkerGroup.ingress(chart, 'ingress', { cluster, machineTemplate, healthCheck: HealthCheck.workers({ maxUnhealthy: 1 }) });
}

export default function (app: App): void {
  nodeGroups(app, 'node-groups', 'v1beta2');
  nodeGroups(app, 'node-groups-v1beta1', 'v1beta1');
}
