import { Chart, Testing } from 'cdk8s';
import { Cluster, ControlPlaneGroup, HealthCheck, WorkerGroup } from '../../lib';
import { dockerTemplate } from './fixtures';
import { TEST_INFRA } from '../support/infrastructure';

function fullCluster(apiVersion: 'v1beta2' | 'v1beta1'): Chart {
  const chart = new Chart(Testing.app(), 'snap');
  const cluster = new Cluster(chart, 'prod', { infrastructure: TEST_INFRA, cni: 'calico',
    name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', apiVersion,
    clusterNetwork: { pods: ['10.244.0.0/16'], services: ['10.96.0.0/12'], serviceDomain: 'cluster.local', apiServerPort: 6443 },
    controlPlaneEndpoint: { host: '10.0.0.10' },
    nodeFailureDetection: { nodeStatusUpdateFrequency: '4s', nodeMonitorPeriod: '2s', nodeMonitorGracePeriod: '20s' },
  });
  const machineTemplate = dockerTemplate();
  new ControlPlaneGroup(chart, 'cp', {
    cluster, replicas: 3, machineTemplate, rollout: { maxSurge: 1 },
    remediation: { maxRetry: 5, retryPeriod: '2m', minHealthyPeriod: '1h' },
    nodeDrainTimeout: '5m', nodeVolumeDetachTimeout: '5m', nodeDeletionTimeout: '10s',
    healthCheck: HealthCheck.controlPlane(),
  });
  new WorkerGroup(chart, 'md', {
    cluster, name: 'workers', scaling: { replicas: 3 },
    strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: 0 }, deletionOrder: 'Oldest',
    minReadySeconds: 0, roles: ['ingress'], machineTemplate, healthCheck: HealthCheck.workers(),
  });
  new WorkerGroup(chart, 'auto', {
    cluster, name: 'batch', scaling: { min: 2, max: 10 }, strategy: { type: 'OnDelete' }, machineTemplate,
    nodeDrainTimeout: 90, healthCheck: HealthCheck.workers({ maxUnhealthy: 1, nodeStartupTimeout: '15m' }),
  });
  WorkerGroup.ingress(chart, 'ingress', { cluster, machineTemplate });
  return chart;
}

describe.each(['v1beta2', 'v1beta1'] as const)('synthesized YAML, %s', (apiVersion) => {
  test('matches the snapshot', () => {
    expect(Testing.synth(fullCluster(apiVersion))).toMatchSnapshot();
  });

  test('every object carries the cluster apiVersion of its group', () => {
    const objs = Testing.synth(fullCluster(apiVersion));
    for (const o of objs.filter((x) => /cluster\.x-k8s\.io\//.test(x.apiVersion) && !x.apiVersion.startsWith('infrastructure'))) {
      expect(o.apiVersion.endsWith(`/${apiVersion}`)).toBe(true);
    }
  });

  test('no empty object or list anywhere', () => {
    const walk = (v: unknown, path: string): void => {
      if (Array.isArray(v)) {
        expect({ path, length: v.length }).not.toEqual({ path, length: 0 });
        v.forEach((x, i) => walk(x, `${path}[${i}]`));
      } else if (v && typeof v === 'object') {
        expect({ path, keys: Object.keys(v).length }).not.toEqual({ path, keys: 0 });
        for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
      }
    };
    Testing.synth(fullCluster(apiVersion)).forEach((o, i) => walk(o, `[${i}]`));
  });

  test('synthesizing twice gives the same output', () => {
    expect(Testing.synth(fullCluster(apiVersion))).toEqual(Testing.synth(fullCluster(apiVersion)));
  });
});
