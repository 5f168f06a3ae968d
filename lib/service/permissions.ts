/**
 * What each add-on operation needs of the caller's Kubernetes rights: the operations, and the
 * permissions each one is authorized by (auth.ts asks the management cluster with SubjectAccessReviews).
 * The service's RBAC rules (rbac.ts) and the operations guide follow from these.
 */
import { AddonMode, ADDONS_GROUP, HELM_RELEASE_API_VERSION, HELM_REPOSITORY_API_VERSION } from '../core/addons';
import { CLUSTER_GROUP } from '../core/output/api-versions';
import { kubeconfigSecretName } from '../core/output/naming';
import { groupVersion } from './kube';

/** The add-on operations (the `operation` label and log field). */
export type Operation = 'install' | 'status' | 'list' | 'uninstall';
/** The operations of the add-on API (install, status, list, uninstall). */
export const OPERATIONS: readonly Operation[] = ['install', 'status', 'list', 'uninstall'];

/** One Kubernetes permission: verb on group/resource (optionally one named object) in the Cluster's namespace. */
export interface Permission {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly name?: string;
}

const HELM_RELEASES = { group: groupVersion(HELM_RELEASE_API_VERSION).group, resource: 'helmreleases' };
const HELM_REPOSITORIES = { group: groupVersion(HELM_REPOSITORY_API_VERSION).group, resource: 'helmrepositories' };
const CONFIG_MAPS = { group: '', resource: 'configmaps' };
const CLUSTER_RESOURCE_SETS = { group: ADDONS_GROUP, resource: 'clusterresourcesets' };
const PROMETHEUS_RULES = { group: 'monitoring.coreos.com', resource: 'prometheusrules' };

/**
 * What each operation needs, in the Cluster's namespace: install creates the add-on's objects (and
 * reads the Cluster); status and list read HelmReleases of the named Cluster, so they need that Cluster
 * too (a caller whose rights name only another cluster reads nothing of this one); uninstall deletes the objects and reads the
 * cluster's kubeconfig Secret, through which it deletes the add-on namespace on the workload cluster.
 * In tenant mode every operation needs the Cluster and its kubeconfig Secret, which the service uses.
 */
export function requiredPermissions(operation: Operation, cluster: string, monitoring: boolean, mode: AddonMode = 'management'): Permission[] {
  if (mode === 'tenant') {
    // Tenant mode works on the workload cluster with the cluster's admin kubeconfig: only a caller who may
    // read that kubeconfig (and so could do all of it with kubectl) may ask for any operation.
    return [{ verb: 'get', group: CLUSTER_GROUP, resource: 'clusters', name: cluster }, { verb: 'get', group: '', resource: 'secrets', name: kubeconfigSecretName(cluster) }];
  }
  const written = [HELM_RELEASES, HELM_REPOSITORIES, CONFIG_MAPS, CLUSTER_RESOURCE_SETS, ...(monitoring ? [PROMETHEUS_RULES] : [])];
  switch (operation) {
    case 'install': return [...written.map((r) => ({ verb: 'create', ...r })), { verb: 'get', group: CLUSTER_GROUP, resource: 'clusters', name: cluster }];
    case 'status': return [{ verb: 'get', ...HELM_RELEASES }, { verb: 'get', group: CLUSTER_GROUP, resource: 'clusters', name: cluster }];
    case 'list': return [{ verb: 'list', ...HELM_RELEASES }, { verb: 'get', group: CLUSTER_GROUP, resource: 'clusters', name: cluster }];
    case 'uninstall': return [...written.map((r) => ({ verb: 'delete', ...r })), { verb: 'get', group: '', resource: 'secrets', name: kubeconfigSecretName(cluster) }];
  }
}

/** `verb group/resource[/name]` for messages. */
export function showPermission(p: Permission): string {
  return `${p.verb} ${p.group ? `${p.resource}.${p.group}` : p.resource}${p.name ? ` "${p.name}"` : ''}`;
}
