/**
 * Node management (issue #2): a cluster with a 3-node control plane, an autoscaled worker group,
 * dedicated ingress nodes and the seed's health-check presets, for Cluster API v1beta2 and for a
 * v1beta1 management cluster.
 *
 * The props are exported so that the Pulumi twin (examples/pulumi/node-groups.ts) uses the same ones.
 */
import { App, Chart } from 'cdk8s';
import {
  CapiVersion, Cluster, ClusterProps, ControlPlaneGroup, ControlPlaneGroupProps, CustomMachineTemplate, existingInfrastructureCluster, HealthCheck,
  IngressWorkerGroupProps, WorkerGroup, WorkerGroupProps,
} from '../lib';

/** The cluster, once per Cluster API version emitted. */
export function clusterProps(apiVersion: CapiVersion): ClusterProps {
  return {
    name: `prod-${apiVersion}`,
    namespace: 'tenants',
    kubernetesVersion: 'v1.31.4',
    cni: 'calico',
    apiVersion,
    // A CAPD DockerCluster made elsewhere (the provider examples build theirs: examples/providers-*.ts).
    infrastructure: existingInfrastructureCluster({ kind: 'DockerCluster', version: 'v1beta2' }),
    clusterNetwork: { pods: ['10.244.0.0/16'], services: ['10.96.0.0/12'] },
    nodeFailureDetection: { nodeStatusUpdateFrequency: '10s', nodeMonitorPeriod: '5s', nodeMonitorGracePeriod: '40s' },
  };
}

/** One template for every group. Any provider works; the typed provider templates are in examples/providers-*.ts. */
export const machineTemplate = new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } });

/** 3 control-plane nodes, one extra at a time in a rollout, remediated at most 5 times. */
export const controlPlane: Omit<ControlPlaneGroupProps, 'cluster'> = {
  replicas: 3,
  machineTemplate,
  rollout: { maxSurge: 1 },
  remediation: { maxRetry: 5, retryPeriod: '2m', minHealthyPeriod: '1h' },
  nodeDrainTimeout: '5m',
  nodeVolumeDetachTimeout: '5m',
  nodeDeletionTimeout: '10s',
  healthCheck: HealthCheck.controlPlane(),
  // A hardened API server (docs/hardening.md): audit log, Pod Security baseline, Secrets encrypted
  // with the keys of the Secret prod-encryption-1 (create it with encryptionConfiguration()).
  kubeadm: {
    apiServer: {
      audit: {},
      podSecurity: {},
      encryption: { configFrom: { secret: { name: 'prod-encryption-1', key: 'config.yaml' } } },
    },
  },
};

/** Workers autoscaled between 3 and 10 machines. */
export const workerGroup: Omit<WorkerGroupProps, 'cluster'> = {
  name: 'workers',
  scaling: { min: 3, max: 10 },
  strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: 0 },
  minReadySeconds: 30,
  roles: ['worker'],
  machineTemplate,
  healthCheck: HealthCheck.workers(),
};

/** Dedicated ingress nodes (WorkerGroup.ingress), at most one unhealthy at a time. */
export const ingressGroup: Omit<IngressWorkerGroupProps, 'cluster'> = { machineTemplate, healthCheck: HealthCheck.workers({ maxUnhealthy: 1 }) };

function nodeGroups(app: App, chartName: string, apiVersion: CapiVersion): void {
  const chart = new Chart(app, chartName);
  const cluster = new Cluster(chart, 'cluster', clusterProps(apiVersion));
  new ControlPlaneGroup(chart, 'control-plane', { cluster, ...controlPlane });
  new WorkerGroup(chart, 'workers', { cluster, ...workerGroup });
  WorkerGroup.ingress(chart, 'ingress', { cluster, ...ingressGroup });
}

export default function (app: App): void {
  nodeGroups(app, 'node-groups', 'v1beta2');
  nodeGroups(app, 'node-groups-v1beta1', 'v1beta1');
}
