/** Manifest sets for plan tests, built through the public API (renderClusters), plus helpers to pick and edit objects. */
import { ClusterProps, ClusterSpec, CustomMachineTemplate, HealthCheck, Manifest, renderClusters, setWarningHandler } from '../../lib';

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
    cluster: { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', ...over.cluster },
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
