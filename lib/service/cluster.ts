/**
 * The workload cluster as the install needs it: its Cluster object and the Kubernetes version the
 * add-on's constraint is checked against (ClusterClass `spec.topology.version`, else the control
 * plane's `spec.version`), as the core's ClusterRef.
 */
import { CapiVersion, CLUSTER_GROUP } from '../core/output/api-versions';
import { ClusterRef } from '../core/cluster/cluster';
import { ADDON_CLUSTER_SELECTOR_LABEL } from '../core/addons';
import { show, Warning } from '../core/rules/errors';
import { ServiceError } from './errors';
import { KubeClients, orNotFound } from './kube';

interface ClusterObject {
  metadata?: { labels?: Record<string, string> };
  spec?: {
    topology?: { version?: unknown };
    controlPlaneRef?: { apiGroup?: string; apiVersion?: string; kind?: string; name?: string; namespace?: string };
  };
}

/** The plural of a CAPI kind (KubeadmControlPlane → kubeadmcontrolplanes): CAPI kinds are regular nouns. */
function pluralOf(kind: string): string {
  return `${kind.toLowerCase()}s`;
}

function unresolvable(message: string): ServiceError {
  return new ServiceError(400, 'validation-error', message, [{ path: 'cluster.kubernetesVersion', message }]);
}

/** Reads the Cluster object `namespace/name` (at `capiVersion`); 404 `not-found` when there is none. */
export async function readCluster(clients: KubeClients, namespace: string, name: string, capiVersion: CapiVersion): Promise<ClusterObject> {
  const cluster = await orNotFound(`reading Cluster ${namespace}/${name}`, () => clients.custom.getNamespacedCustomObject({
    group: CLUSTER_GROUP, version: capiVersion, namespace, plural: 'clusters', name,
  })) as ClusterObject | undefined;
  if (cluster === undefined) throw new ServiceError(404, 'not-found', `cluster ${namespace}/${name} does not exist (no Cluster ${CLUSTER_GROUP} "${name}" in namespace "${namespace}")`);
  return cluster;
}

/**
 * Reads the Cluster `namespace/name` and its control plane, with a warning when the Cluster lacks the
 * label the add-on's ClusterResourceSet selects it by. 404 `not-found` for a missing Cluster;
 * 400 when no Kubernetes version can be read; 502 for API failures.
 */
export async function readClusterRef(clients: KubeClients, namespace: string, name: string, capiVersion: CapiVersion): Promise<{ ref: ClusterRef; warnings: Warning[] }> {
  const cluster = await readCluster(clients, namespace, name, capiVersion);
  const warnings: Warning[] = [];
  if (cluster.metadata?.labels?.[ADDON_CLUSTER_SELECTOR_LABEL] !== name) {
    warnings.push({
      path: 'cluster',
      message: `Cluster ${namespace}/${name} lacks the label ${ADDON_CLUSTER_SELECTOR_LABEL}: ${name} that the add-on's ClusterResourceSet selects it by, so the add-on namespace and its NetworkPolicy do not reach the workload cluster until the label is set (the library's Cluster constructs set it)`,
    });
  }

  let version: unknown = cluster.spec?.topology?.version;
  if (version === undefined) {
    const ref = cluster.spec?.controlPlaneRef;
    if (!ref?.kind || !ref.name) throw unresolvable(`cluster ${namespace}/${name} has neither spec.topology.version nor spec.controlPlaneRef, so its Kubernetes version is unknown`);
    const [group, refVersion] = ref.apiGroup !== undefined ? [ref.apiGroup, capiVersion] : (ref.apiVersion ?? '').split('/');
    const cp = await orNotFound(`reading ${ref.kind} ${namespace}/${ref.name}`, () => clients.custom.getNamespacedCustomObject({
      group, version: refVersion ?? capiVersion, namespace: ref.namespace ?? namespace, plural: pluralOf(ref.kind!), name: ref.name!,
    })) as { spec?: { version?: unknown } } | undefined;
    if (cp === undefined) throw unresolvable(`the control plane ${ref.kind} ${namespace}/${ref.name} of cluster ${name} does not exist, so its Kubernetes version is unknown`);
    version = cp.spec?.version;
    if (typeof version !== 'string') throw unresolvable(`the control plane ${ref.kind} ${namespace}/${ref.name} of cluster ${name} has no spec.version (got ${show(version)})`);
  }
  if (typeof version !== 'string') throw unresolvable(`cluster ${namespace}/${name} has spec.topology.version ${show(version)}, not a version string`);
  // The core checks the version (and the add-on constraint); it wants the leading "v" Cluster API writes.
  return { ref: { name, namespace, kubernetesVersion: version.startsWith('v') ? version : `v${version}`, apiVersion: capiVersion }, warnings };
}
