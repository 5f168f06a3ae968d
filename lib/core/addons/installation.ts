/**
 * One add-on installation as a set of objects and an operation state: which objects make it up in each
 * mode, the Lease that serializes operations on it, and the annotations on its HelmRepository (the
 * object an install writes first and an uninstall deletes last) that record the operation under way, so
 * that any process reads the state from the cluster, not from its memory.
 */
import { CapiVersion, ADDONS_GROUP } from '../output/api-versions';
import { AddonName } from './catalog';
import { HELM_RELEASE_API_VERSION, HELM_REPOSITORY_API_VERSION } from '../components/flux-release';
import { AddonMode, addonNames } from './naming';

/** The operation under way on an installation: `install` or `uninstall`. */
export const ANNOTATION_OPERATION = 'addons.capi-constructs.io/operation';
/** When the operation began (RFC 3339). */
export const ANNOTATION_OPERATION_STARTED_AT = 'addons.capi-constructs.io/operation-started-at';
/** The `X-Request-Id` of the request that began the operation. */
export const ANNOTATION_OPERATION_REQUEST_ID = 'addons.capi-constructs.io/operation-request-id';
/** The step that failed, set when the operation stopped on an error. */
export const ANNOTATION_FAILED_STEP = 'addons.capi-constructs.io/failed-step';
/** The error of the failed step (a Kubernetes API message, never a credential). */
export const ANNOTATION_OPERATION_ERROR = 'addons.capi-constructs.io/operation-error';

/** The annotations of the operation state, all of them (an operation that ends removes every one). */
export const OPERATION_ANNOTATIONS: readonly string[] = [
  ANNOTATION_OPERATION, ANNOTATION_OPERATION_STARTED_AT, ANNOTATION_OPERATION_REQUEST_ID, ANNOTATION_FAILED_STEP, ANNOTATION_OPERATION_ERROR,
];

export type InstallationOperationKind = 'install' | 'uninstall';

/** An operation recorded on an installation. */
export interface InstallationOperation {
  readonly operation: InstallationOperationKind;
  readonly startedAt?: string;
  readonly requestId?: string;
  /** The step that failed (the operation stopped there). */
  readonly failedStep?: string;
  readonly error?: string;
}

/** The annotations that record `op` (for a merge patch: the keys `op` leaves out are `null`, i.e. removed). */
export function operationAnnotations(op: InstallationOperation | undefined): Record<string, string | null> {
  return {
    [ANNOTATION_OPERATION]: op?.operation ?? null,
    [ANNOTATION_OPERATION_STARTED_AT]: op?.startedAt ?? null,
    [ANNOTATION_OPERATION_REQUEST_ID]: op?.requestId ?? null,
    [ANNOTATION_FAILED_STEP]: op?.failedStep ?? null,
    [ANNOTATION_OPERATION_ERROR]: op?.error ?? null,
  };
}

/** The operation recorded in `annotations`, or `undefined` when none is (an unknown operation value counts as none). */
export function operationOf(annotations: Readonly<Record<string, string>> | undefined): InstallationOperation | undefined {
  const kind = annotations?.[ANNOTATION_OPERATION];
  if (kind !== 'install' && kind !== 'uninstall') return undefined;
  const a = annotations!;
  return {
    operation: kind,
    startedAt: a[ANNOTATION_OPERATION_STARTED_AT],
    requestId: a[ANNOTATION_OPERATION_REQUEST_ID],
    failedStep: a[ANNOTATION_FAILED_STEP],
    error: a[ANNOTATION_OPERATION_ERROR],
  };
}

/** Where an installation's object lives: the management cluster, or the workload (tenant) cluster. */
export type InstallationCluster = 'management' | 'workload';

/** One object of an installation. */
export interface InstallationObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly cluster: InstallationCluster;
  /** The resource (plural) for the API path and RBAC. */
  readonly plural: string;
}

/** `Kind namespace/name` (as status and logs name an object). */
export function showObject(o: Pick<InstallationObject, 'kind' | 'name' | 'namespace'>): string {
  return `${o.kind} ${o.namespace === undefined ? '' : `${o.namespace}/`}${o.name}`;
}

/** What {@link installationObjects} needs to know. */
export interface InstallationInput {
  readonly cluster: { readonly name: string; readonly namespace: string };
  readonly addon: AddonName;
  readonly mode: AddonMode;
  /** Whether the installation has a PrometheusRule. */
  readonly monitoring: boolean;
  /** The Cluster API version the ClusterResourceSet is written at (management mode). @default 'v1beta2' */
  readonly capiVersion?: CapiVersion;
}

/**
 * Every object of the installation, in install order: (tenant mode: the add-on namespace, which holds
 * everything else) the HelmRepository (it carries the operation state), the HelmReleases in catalog
 * order, the PrometheusRule, then (management mode) the workload-cluster delivery: the ConfigMap and the
 * ClusterResourceSet that applies it. An uninstall deletes them in the reverse order, so the
 * ClusterResourceSet goes first and cannot re-apply the namespace being deleted.
 */
export function installationObjects(input: InstallationInput): InstallationObject[] {
  const names = addonNames(input.cluster, input.addon);
  const tenant = input.mode === 'tenant';
  const ns = tenant ? names.namespace : input.cluster.namespace;
  const cluster: InstallationCluster = tenant ? 'workload' : 'management';
  const out: InstallationObject[] = [];
  if (tenant) out.push({ apiVersion: 'v1', kind: 'Namespace', name: names.namespace, cluster, plural: 'namespaces' });
  out.push({ apiVersion: HELM_REPOSITORY_API_VERSION, kind: 'HelmRepository', name: names.helmRepository, namespace: ns, cluster, plural: 'helmrepositories' });
  for (const r of names.releases) out.push({ apiVersion: HELM_RELEASE_API_VERSION, kind: 'HelmRelease', name: r.name, namespace: ns, cluster, plural: 'helmreleases' });
  if (input.monitoring) out.push({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', name: names.prometheusRule, namespace: ns, cluster, plural: 'prometheusrules' });
  if (!tenant) {
    out.push({ apiVersion: 'v1', kind: 'ConfigMap', name: names.tenantResources, namespace: ns, cluster, plural: 'configmaps' });
    out.push({ apiVersion: `${ADDONS_GROUP}/${input.capiVersion ?? 'v1beta2'}`, kind: 'ClusterResourceSet', name: names.clusterResourceSet, namespace: ns, cluster, plural: 'clusterresourcesets' });
  }
  return out;
}

/**
 * The Lease (coordination.k8s.io/v1, in the Cluster's namespace on the management cluster) that every
 * install and uninstall of one add-on of one cluster holds: `addon-<release>`.
 */
export function installationLeaseName(cluster: { readonly name: string; readonly namespace: string }, addon: AddonName): string {
  return `addon-${addonNames(cluster, addon).release}`;
}
