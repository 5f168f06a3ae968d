import { Problems, show } from '../rules/errors';
import { isApiGroup, isApiVersionName, isKind } from '../rules/validation';

/**
 * API groups and versions the library emits.
 *
 * Cluster API 1.11+ stores v1beta2 and still serves v1beta1 (deprecated, on track to be unserved
 * in CAPI 1.16). v1beta2 is the default; choose v1beta1 only for management clusters running
 * Cluster API 1.10 or older.
 */
export type CapiVersion = 'v1beta2' | 'v1beta1';

/** The Cluster API versions the library emits: `v1beta2` (Cluster API 1.11+) and `v1beta1` (1.10 and older). */
export const CAPI_VERSIONS: readonly CapiVersion[] = ['v1beta2', 'v1beta1'];

export const CLUSTER_GROUP = 'cluster.x-k8s.io';
export const CONTROL_PLANE_GROUP = 'controlplane.cluster.x-k8s.io';
export const BOOTSTRAP_GROUP = 'bootstrap.cluster.x-k8s.io';
export const INFRASTRUCTURE_GROUP = 'infrastructure.cluster.x-k8s.io';

/** Cluster API's add-ons group (ClusterResourceSet). */
export const ADDONS_GROUP = 'addons.cluster.x-k8s.io';

/** Standard Cluster API labels. */
export const LABEL_CLUSTER_NAME = 'cluster.x-k8s.io/cluster-name';

/**
 * Label the ClusterResourceSet of a management-mode add-on selects its Cluster by. The Cluster object
 * must carry it with its own name as the value (the cdk8s/Pulumi Cluster constructs set it).
 */
export const ADDON_CLUSTER_SELECTOR_LABEL = LABEL_CLUSTER_NAME;
export const LABEL_CONTROL_PLANE = 'cluster.x-k8s.io/control-plane';
export const LABEL_DEPLOYMENT_NAME = 'cluster.x-k8s.io/deployment-name';
/** MachineSet name on its Machines. */
export const LABEL_SET_NAME = 'cluster.x-k8s.io/set-name';
/** KubeadmControlPlane name on its Machines (hashed when longer than 63 characters). */
export const LABEL_CONTROL_PLANE_NAME = 'cluster.x-k8s.io/control-plane-name';

/**
 * On a Machine: delete this one first when its MachineSet or KubeadmControlPlane scales down
 * (the key's presence counts; the value is ignored).
 */
export const ANNOTATION_DELETE_MACHINE = 'cluster.x-k8s.io/delete-machine';

/** Cluster-autoscaler (clusterapi provider) node-group size annotations. */
export const ANNOTATION_AUTOSCALER_MIN = 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size';
export const ANNOTATION_AUTOSCALER_MAX = 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size';
/** The label a library-made VSphereDeploymentZone (and VSphereFailureDomain) carries, its name: what VSphereCluster.failureDomainSelector selects. */
export const LABEL_VSPHERE_DEPLOYMENT_ZONE = 'capi-constructs.io/vsphere-deployment-zone';
/** The upgrade stage of a worker group's MachineDeployments (`upgradeStage`), read by `capi-constructs plan`. */
export const ANNOTATION_UPGRADE_STAGE = 'capi-constructs.io/upgrade-stage';
/** Prefix of the cluster-autoscaler's scale-from-zero capacity annotations (`<prefix>cpu`, `<prefix>memory`, ...). */
export const ANNOTATION_AUTOSCALER_CAPACITY_PREFIX = 'capacity.cluster-autoscaler.kubernetes.io/';
/** On a Node: the cluster-autoscaler never scales this node down (value `"true"`). */
export const ANNOTATION_SCALE_DOWN_DISABLED = 'cluster-autoscaler.kubernetes.io/scale-down-disabled';

/** Label prefix that Cluster API syncs from Machines to Nodes (since CAPI 1.4). */
export const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';

/** A reference to another object, independent of how a given apiVersion spells it. */
export interface ObjectRef {
  readonly apiGroup: string;
  readonly version: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * Renders a reference the way the referencing object's apiVersion expects it:
 * v1beta2 `ContractVersionedObjectReference` `{apiGroup, kind, name}` (no apiVersion, no namespace);
 * v1beta1 `ObjectReference` `{apiVersion, kind, name, namespace}`.
 */
export function renderRef(ref: ObjectRef, capi: CapiVersion, namespace: string): Record<string, string> {
  return capi === 'v1beta2'
    ? { apiGroup: ref.apiGroup, kind: ref.kind, name: ref.name }
    : { apiVersion: `${ref.apiGroup}/${ref.version}`, kind: ref.kind, name: ref.name, namespace };
}

/** apiGroup / version / kind for the providers without a public CRD: overridable, checked for shape. */
export function checkGvk(
  p: Problems, props: { apiGroup?: unknown; version?: unknown; kind?: unknown }, defaults: { version: string; kind: string },
): { apiGroup?: string; version?: string; kind?: string } {
  let apiGroup: string | undefined = INFRASTRUCTURE_GROUP;
  if (props.apiGroup !== undefined) {
    apiGroup = isApiGroup(props.apiGroup) ? props.apiGroup : undefined;
    if (!apiGroup) p.error('apiGroup', `${show(props.apiGroup)} is not an API group: use a DNS subdomain such as "infrastructure.cluster.x-k8s.io"`);
  }
  let version: string | undefined = defaults.version;
  if (props.version !== undefined) {
    version = isApiVersionName(props.version) ? props.version : undefined;
    if (!version) p.error('version', `${show(props.version)} is not a Kubernetes API version such as "v1beta1", "v1alpha3" or "v1"`);
  }
  let kind: string | undefined = defaults.kind;
  if (props.kind !== undefined) {
    kind = isKind(props.kind) ? props.kind : undefined;
    if (!kind) p.error('kind', `${show(props.kind)} is not a kind: use an UpperCamelCase name such as "OVirtMachineTemplate"`);
  }
  return { apiGroup, version, kind };
}
