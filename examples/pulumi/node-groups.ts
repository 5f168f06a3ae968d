/**
 * Pulumi twin of examples/node-groups.ts: the same cluster, control plane, worker group and ingress
 * nodes, with the same props, for Cluster API v1beta2 and for a v1beta1 management cluster.
 * test/pulumi/parity.test.ts checks that it sends Kubernetes exactly the objects cdk8s synthesizes.
 */
import { Cluster, ControlPlaneGroup, CustomMachineTemplate, HealthCheck, WorkerGroup } from '../../lib/pulumi';

function nodeGroups(prefix: string, apiVersion: 'v1beta2' | 'v1beta1'): void {
  const cluster = new Cluster(`${prefix}-cluster`, {
    name: `prod-${apiVersion}`,
    namespace: 'tenants',
    kubernetesVersion: 'v1.31.4',
    apiVersion,
    clusterNetwork: { pods: ['10.244.0.0/16'], services: ['10.96.0.0/12'] },
    nodeFailureDetection: { nodeStatusUpdateFrequency: '10s', nodeMonitorPeriod: '5s', nodeMonitorGracePeriod: '40s' },
  });
  const machineTemplate = new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });
  new ControlPlaneGroup(`${prefix}-control-plane`, {
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
  new WorkerGroup(`${prefix}-workers`, {
    cluster,
    name: 'workers',
    scaling: { min: 3, max: 10 },
    strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: 0 },
    minReadySeconds: 30,
    roles: ['worker'],
    machineTemplate,
    healthCheck: HealthCheck.workers(),
  });
  WorkerGroup.ingress(`${prefix}-ingress`, { cluster, machineTemplate, healthCheck: HealthCheck.workers({ maxUnhealthy: 1 }) });
}

export default function program(): void {
  nodeGroups('node-groups', 'v1beta2');
  nodeGroups('node-groups-v1beta1', 'v1beta1');
}
