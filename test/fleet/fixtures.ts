import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { ClusterSpec, CustomMachineTemplate, HealthCheck } from '../../lib';
import { TEST_INFRA } from '../support/infrastructure';

const docker = (image: string) => new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: image } });

/**
 * A small fleet that uses every node-group feature: both Cluster API versions, an emitted
 * infrastructure cluster, node failure detection, remediation, deletion timeouts, manual and
 * automatic scaling, RollingUpdate and OnDelete, roles, machine labels, deletion order, the v1beta1-only
 * fields, health-check presets with overrides, the ingress preset's shape, template metadata, and a
 * component (add-on) that renders two objects.
 */
export function featureFleet(): ClusterSpec[] {
  const addon = {
    id: 'metrics',
    subject: 'ClusterAddon "metrics"',
    render: (c: { name: string; namespace: string }) => ({
      manifests: [{
        apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease',
        metadata: { name: `${c.name}-metrics`, namespace: c.namespace, labels: { 'cluster.x-k8s.io/cluster-name': c.name } },
        spec: { interval: '10m', chart: { spec: { chart: 'metrics-server', version: '3.12.2', sourceRef: { kind: 'HelmRepository', name: 'metrics' } } }, values: { args: ['--kubelet-insecure-tls'], replicas: 2, 'yes': 'no', empty: '' } },
      }],
      warnings: [],
    }),
  };
  return [
    {
      cluster: {
        name: 'alpha', namespace: 'tenants', cni: 'calico', kubernetesVersion: '1.31.4',
        clusterNetwork: { pods: ['10.244.0.0/16'], services: ['10.96.0.0/12'], serviceDomain: 'alpha.local', apiServerPort: 6443 },
        controlPlaneEndpoint: { host: '10.0.0.10' },
        infrastructure: { apiGroup: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', kind: 'DockerCluster', spec: { loadBalancer: { imageTag: 'v0.5.0' } } },
        nodeFailureDetection: { nodeStatusUpdateFrequency: '10s', nodeMonitorPeriod: '5s', nodeMonitorGracePeriod: '40s' },
        labels: { env: 'prod', 'example.com/tier': '' },
      },
      controlPlane: {
        machineTemplate: new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4', extraMounts: [] }, templateMetadata: { labels: { pool: 'cp' } } }),
        replicas: 3, rollout: { maxSurge: 0 }, remediation: { maxRetry: 5, retryPeriod: '2m', minHealthyPeriod: '1h' },
        nodeDrainTimeout: '5m', nodeVolumeDetachTimeout: '5m', nodeDeletionTimeout: '10s',
        healthCheck: HealthCheck.controlPlane({ nodeStartupTimeout: '20m' }), machineLabels: { 'node.cluster.x-k8s.io/cp': 'yes' },
      },
      workers: [
        { name: 'general', machineTemplate: docker('kindest/node:v1.31.4'), scaling: { min: 3, max: 10 }, strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: 0 }, minReadySeconds: 30, roles: ['worker'], healthCheck: HealthCheck.workers() },
        { name: 'batch', machineTemplate: docker('kindest/node:v1.31.4'), scaling: { replicas: 5 }, strategy: { type: 'OnDelete' }, deletionOrder: 'Oldest', machineLabels: { 'node.cluster.x-k8s.io/pool': 'batch' }, healthCheck: HealthCheck.workers({ maxUnhealthy: 2, unhealthyRange: '[1-3]' }) },
        { name: 'ingress', machineTemplate: docker('kindest/node:v1.31.4'), scaling: { replicas: 2 }, roles: ['ingress'], healthCheck: HealthCheck.workers({ maxUnhealthy: 1 }) },
      ],
      components: [addon],
    },
    {
      cluster: { name: 'beta', kubernetesVersion: 'v1.30.8', infrastructure: TEST_INFRA, cni: 'calico', apiVersion: 'v1beta1', nodeFailureDetection: { nodeStatusUpdateFrequency: '4s', nodeMonitorPeriod: '2s', nodeMonitorGracePeriod: '20s' }, paused: true },
      controlPlane: { machineTemplate: docker('kindest/node:v1.30.8'), replicas: 5, rollout: { maxSurge: '20%' }, remediation: { retryPeriod: '90s', minHealthyPeriod: '2h' }, healthCheck: HealthCheck.controlPlane() },
      workers: [
        { name: 'md-0', machineTemplate: docker('kindest/node:v1.30.8'), scaling: { min: 1, max: 4 }, progressDeadlineSeconds: 900, revisionHistoryLimit: 3, deletionOrder: 'Newest', minReadySeconds: 10, healthCheck: HealthCheck.workers({ nodeStartupTimeout: '15m' }) },
        { name: 'md-1', machineTemplate: docker('kindest/node:v1.30.8'), strategy: { type: 'OnDelete' }, nodeDrainTimeout: '1m' },
      ],
      components: [addon],
    },
  ];
}

/** A fresh, empty temporary directory (removed by {@link cleanTmp}). */
const tmps: string[] = [];
export function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-fleet-test-'));
  tmps.push(d);
  return d;
}
export function cleanTmp(): void {
  for (const d of tmps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Every file of a directory: name -> content. */
export function readDir(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** Runs `app.synth()` of a fresh App writing to a new temp dir and returns the files. */
export function synthApp(build: (app: App) => void): Record<string, string> {
  const outdir = path.join(tmpDir(), 'dist');
  const app = new App({ outdir });
  build(app);
  app.synth();
  return readDir(outdir);
}
