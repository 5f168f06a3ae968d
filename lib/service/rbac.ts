/**
 * What the service's own identity needs on the management cluster (a ClusterRole: Clusters live in
 * any namespace). Callers are authorized separately, per request (auth.ts); these rules only let the
 * service carry out what a caller was allowed to ask for.
 */
import { ADDONS_GROUP, HELM_RELEASE_API_VERSION, HELM_REPOSITORY_API_VERSION } from '../core/addons';
import { CLUSTER_GROUP, CONTROL_PLANE_GROUP } from '../core/output/api-versions';
import { groupVersion } from './kube';

/** One RBAC PolicyRule (rbac.authorization.k8s.io/v1). */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** Status reads every object; server-side apply creates missing objects, so it needs create as well as patch. */
const APPLY_AND_DELETE = ['get', 'create', 'patch', 'delete'];

/** The ClusterRole rules the add-on API service itself needs on the management cluster. */
export const ADDON_API_SERVICE_RULES: readonly PolicyRule[] = [
  // verify callers' tokens and rights
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  // the Kubernetes version of a cluster
  { apiGroups: [CLUSTER_GROUP], resources: ['clusters'], verbs: ['get'] },
  { apiGroups: [CONTROL_PLANE_GROUP], resources: ['kubeadmcontrolplanes'], verbs: ['get'] },
  // the add-on's objects
  { apiGroups: [groupVersion(HELM_RELEASE_API_VERSION).group], resources: ['helmreleases'], verbs: APPLY_AND_DELETE },
  { apiGroups: [groupVersion(HELM_REPOSITORY_API_VERSION).group], resources: ['helmrepositories'], verbs: APPLY_AND_DELETE },
  { apiGroups: [''], resources: ['configmaps'], verbs: APPLY_AND_DELETE },
  { apiGroups: [ADDONS_GROUP], resources: ['clusterresourcesets'], verbs: APPLY_AND_DELETE },
  { apiGroups: ['monitoring.coreos.com'], resources: ['prometheusrules'], verbs: APPLY_AND_DELETE },
  // one Lease per installation: create, take over (update), renew (update), release (delete)
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update', 'delete'] },
  // the `<cluster>-kubeconfig` Secrets, to delete add-on namespaces on workload clusters
  { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
];

/** Whether the rules allow `verb` on `group/resource` (RBAC semantics, `*` wildcards). */
export function rulesAllow(rules: readonly PolicyRule[], verb: string, group: string, resource: string): boolean {
  return rules.some((r) => (r.apiGroups.includes('*') || r.apiGroups.includes(group))
    && (r.resources.includes('*') || r.resources.includes(resource))
    && (r.verbs.includes('*') || r.verbs.includes(verb)));
}
