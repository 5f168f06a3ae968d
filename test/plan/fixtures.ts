/** Manifest sets for plan tests, built through the public API (renderClusters), plus helpers to pick and edit objects. */
import {
  ClusterComponent, ClusterProps, ClusterSpec, CustomMachineTemplate, existingInfrastructureCluster, HealthCheck, Manifest, setWarningHandler,
} from '../../lib';
import { renderClusters } from '../../lib/core/fleet/render';

setWarningHandler(() => undefined);

export const docker = (image = 'kindest/node:v1.31.4', extra: Record<string, unknown> = {}) =>
  new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: image, ...extra } });

/** Every object the specs render, in emit order. */
export function manifestsOf(specs: readonly ClusterSpec[]): Manifest[] {
  return renderClusters(specs).flatMap((c) => c.parts.flatMap((p) => p.manifests));
}

/** A cluster with a control plane and one worker group; `over` replaces top-level parts. */
export type ClusterSpecOverrides = Omit<Partial<ClusterSpec>, 'cluster'> & { cluster?: Partial<ClusterProps> };

export function clusterSpec(over: ClusterSpecOverrides = {}): ClusterSpec {
  return {
    ...over,
    cluster: { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', cni: 'calico', infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'DockerCluster' }), ...over.cluster } as ClusterProps,
    controlPlane: over.controlPlane ?? { replicas: 3, machineTemplate: docker(), healthCheck: HealthCheck.controlPlane() },
    workers: over.workers ?? [{ name: 'md', machineTemplate: docker(), scaling: { replicas: 3 } }],
  };
}

/** The one object of `kind` (and name, if given) in a set; fails if there is not exactly one. */
export function pick(objects: readonly Manifest[], kind: string, name?: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}

/** A deep copy of `m` with `edit` applied (a hand edit of the applied object). */
export function edited(m: Manifest, edit: (o: any) => void): Manifest {
  const copy = JSON.parse(JSON.stringify(m)) as Manifest;
  edit(copy);
  return copy;
}

/** The one object of `kind` rendered from `spec`. */
export function rendered(spec: ClusterSpec, kind: string): Manifest {
  return pick(manifestsOf([spec]), kind);
}

/**
 * A fleet change that touches every category: prod upgrades one minor (rolls everything), turns node
 * failure detection off, scales, changes autoscaler bounds, drops a worker group and an add-on;
 * stage skips a minor (rejected; a dropped infrastructureRef, which the library no longer emits since
 * infrastructure is required, is covered as a hand edit in update-rules.test.ts); old is deleted; edge is new.
 */
/** An add-on rendered as a Flux HelmRelease (what the catalog add-ons emit). */
const metrics: ClusterComponent = {
  id: 'metrics',
  render: (c) => ({
    manifests: [{
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease',
      metadata: { name: `${c.name}-metrics`, namespace: c.namespace, labels: { 'cluster.x-k8s.io/cluster-name': c.name } },
      spec: { interval: '10m', targetNamespace: 'kube-system', chart: { spec: { chart: 'metrics-server', version: '3.12.2', sourceRef: { kind: 'HelmRepository', name: 'metrics' } } } },
    }],
    warnings: [],
  }),
};

const infra = { apiGroup: 'infrastructure.cluster.x-k8s.io', version: 'v1beta2', kind: 'DockerCluster', spec: { loadBalancer: {} } };
const nfd = { nodeStatusUpdateFrequency: '10s', nodeMonitorPeriod: '5s', nodeMonitorGracePeriod: '40s' };

export function previousFleet(): ClusterSpec[] {
  return [
    clusterSpec({
      cluster: { name: 'prod', nodeFailureDetection: nfd },
      workers: [
        { name: 'md', machineTemplate: docker(), scaling: { replicas: 3 }, strategy: { type: 'RollingUpdate', maxSurge: '50%', maxUnavailable: 1 } },
        { name: 'auto', machineTemplate: docker(), scaling: { min: 2, max: 6 } },
        { name: 'batch', machineTemplate: docker(), scaling: { replicas: 4 }, healthCheck: HealthCheck.workers() },
      ],
      components: [metrics],
    }),
    clusterSpec({ cluster: { name: 'stage', infrastructure: infra } }),
    clusterSpec({ cluster: { name: 'old' } }),
  ];
}

export function nextFleet(): ClusterSpec[] {
  return [
    clusterSpec({
      // one minor up (rolls everything), node failure detection off (must stay an accepted update)
      cluster: { name: 'prod', kubernetesVersion: 'v1.32.0' },
      controlPlane: { replicas: 3, machineTemplate: docker('kindest/node:v1.32.0'), healthCheck: HealthCheck.controlPlane({ nodeStartupTimeout: '30m' }) },
      workers: [
        { name: 'md', machineTemplate: docker('kindest/node:v1.32.0'), scaling: { replicas: 5 }, strategy: { type: 'RollingUpdate', maxSurge: '50%', maxUnavailable: 1 } },
        { name: 'auto', machineTemplate: docker('kindest/node:v1.32.0'), scaling: { min: 3, max: 9 }, machineLabels: { 'node.cluster.x-k8s.io/pool': 'auto' } },
      ],
    }),
    // two minors up: rejected
    clusterSpec({ cluster: { name: 'stage', kubernetesVersion: 'v1.33.0', infrastructure: infra } }),
    clusterSpec({ cluster: { name: 'edge' } }),
  ];
}
