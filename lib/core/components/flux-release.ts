/**
 * A Flux HelmRelease (and its HelmRepository) on the management cluster that installs a chart into a
 * workload cluster through Cluster API's `<cluster>-kubeconfig` Secret (`spec.kubeConfig`). The
 * management-mode add-ons and the cluster components (CNI, cloud controller manager, CSI) both use it.
 */
import { Manifest, ObjectMeta } from '../output/manifest';

export const HELM_RELEASE_API_VERSION = 'helm.toolkit.fluxcd.io/v2';
export const HELM_REPOSITORY_API_VERSION = 'source.toolkit.fluxcd.io/v1';

/** Retries of a failed install or upgrade before Flux gives up (remediation between attempts). */
export const ADDON_REMEDIATION_RETRIES = 3;

export interface HelmReleaseOptions {
  readonly metadata: ObjectMeta;
  readonly interval: string;
  /** Helm release name (at most 53 characters). */
  readonly releaseName: string;
  /** Namespace on the target cluster (also where Helm stores the release). */
  readonly targetNamespace: string;
  /** CAPI's kubeconfig Secret of the workload cluster; omitted when Flux runs on the workload cluster itself. */
  readonly kubeconfigSecret?: string;
  /** HelmReleases (same namespace) that must be Ready first. @default none */
  readonly dependsOn?: readonly string[];
  readonly chart: string;
  readonly version: string;
  readonly helmRepository: string;
  /** @default none */
  readonly timeout?: string;
  /** Chart values, already compacted. @default none */
  readonly values?: Record<string, unknown>;
  /** Flux post-renderers (`spec.postRenderers`): what the chart's values cannot set. @default none */
  readonly postRenderers?: readonly Record<string, unknown>[];
}

/** The HelmRelease. Built without undefined or empty fields. */
export function renderHelmRelease(o: HelmReleaseOptions): Manifest {
  const management = o.kubeconfigSecret !== undefined;
  const spec: Record<string, unknown> = { interval: o.interval, releaseName: o.releaseName, targetNamespace: o.targetNamespace, storageNamespace: o.targetNamespace };
  if (management) spec.kubeConfig = { secretRef: { name: o.kubeconfigSecret, key: 'value' } };
  if (o.dependsOn && o.dependsOn.length > 0) spec.dependsOn = o.dependsOn.map((name) => ({ name }));
  spec.chart = { spec: { chart: o.chart, version: o.version, sourceRef: { kind: 'HelmRepository', name: o.helmRepository } } };
  if (o.timeout !== undefined) spec.timeout = o.timeout;
  // Where Flux runs on the workload cluster, the Namespace is applied with the release (it lives in it).
  spec.install = management
    ? { createNamespace: true, crds: 'CreateReplace', remediation: { retries: ADDON_REMEDIATION_RETRIES } }
    : { crds: 'CreateReplace', remediation: { retries: ADDON_REMEDIATION_RETRIES } };
  spec.upgrade = { crds: 'CreateReplace', cleanupOnFail: true, remediation: { retries: ADDON_REMEDIATION_RETRIES, strategy: 'rollback' } };
  if (o.values !== undefined) spec.values = o.values;
  if (o.postRenderers !== undefined && o.postRenderers.length > 0) spec.postRenderers = o.postRenderers.map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);
  return { apiVersion: HELM_RELEASE_API_VERSION, kind: 'HelmRelease', metadata: o.metadata, spec };
}

/** The HelmRepository a release's chart comes from. */
export function renderHelmRepository(metadata: ObjectMeta, url: string): Manifest {
  return { apiVersion: HELM_REPOSITORY_API_VERSION, kind: 'HelmRepository', metadata, spec: { url, interval: '1h' } };
}
