/**
 * The component charts and the releases the library pins. One table per chart; the cloud-provider
 * charts release once per Kubernetes minor (openstack-cloud-controller-manager and openstack-cinder-csi
 * 2.N.x, vsphere-cpi 1.N.x for Kubernetes 1.N), so their tables are keyed by minor. Tests render
 * every entry from ../shared/charts, check each version against the chart's own Chart.yaml, and look
 * every (chart, version) up in its repository's index.
 */

/** A Helm repository a component chart comes from. */
export interface ComponentRepository {
  /** Suffix of the per-cluster HelmRepository name (`<cluster>-<id>`). */
  readonly id: string;
  readonly url: string;
}

export const CALICO_REPOSITORY: ComponentRepository = { id: 'projectcalico', url: 'https://docs.tigera.io/calico/charts' };
export const CILIUM_REPOSITORY: ComponentRepository = { id: 'cilium', url: 'https://helm.cilium.io/' };
export const OPENSTACK_REPOSITORY: ComponentRepository = { id: 'cloud-provider-openstack', url: 'https://kubernetes.github.io/cloud-provider-openstack' };
export const VSPHERE_CPI_REPOSITORY: ComponentRepository = { id: 'cloud-provider-vsphere', url: 'https://kubernetes.github.io/cloud-provider-vsphere' };

export const CLUSTER_AUTOSCALER_REPOSITORY: ComponentRepository = { id: 'kubernetes-autoscaler', url: 'https://kubernetes.github.io/autoscaler' };

/** cluster-autoscaler chart version (kubernetes/autoscaler tag cluster-autoscaler-chart-9.59.0). */
export const CLUSTER_AUTOSCALER_CHART_VERSION = '9.59.0';
/**
 * cluster-autoscaler image per Kubernetes minor: the autoscaler is released once per minor
 * (cluster-autoscaler 1.N.x for Kubernetes 1.N), and only that release is tested against that minor.
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<number, string>> = Object.freeze({
  31: 'v1.31.5', 32: 'v1.32.7', 33: 'v1.33.6', 34: 'v1.34.5', 35: 'v1.35.2',
});

/** tigera-operator (Calico) chart version. */
export const CALICO_CHART_VERSION = 'v3.31.7';
/** Cilium chart version (the chart is not in ../shared/charts; see docs/components.md). */
export const CILIUM_CHART_VERSION = '1.18.4';

/**
 * openstack-cloud-controller-manager chart per Kubernetes minor, each a release its repository's index
 * serves (for 1.32 that is 2.32.0: the tag v1.32.1 carries a chart 2.32.1 that was never published).
 */
export const OPENSTACK_CCM_CHART_VERSIONS: Readonly<Record<number, string>> = Object.freeze({ 31: '2.31.3', 32: '2.32.0', 33: '2.33.1', 34: '2.34.0', 35: '2.35.0' });
/** openstack-cinder-csi (the Cinder CSI plugin's chart) per Kubernetes minor. */
export const CINDER_CSI_CHART_VERSIONS: Readonly<Record<number, string>> = Object.freeze({ 31: '2.31.7', 32: '2.32.2', 33: '2.33.1', 34: '2.34.0', 35: '2.35.0' });
/** vsphere-cpi chart per Kubernetes minor (the 1.31 release is tagged with a leading `v`). */
export const VSPHERE_CPI_CHART_VERSIONS: Readonly<Record<number, string>> = Object.freeze({ 31: 'v1.31.0', 32: '1.32.1', 33: '1.33.0', 34: '1.34.0', 35: '1.35.0' });

/** The Kubernetes minor of a normalized version `v1.N.x`. */
export function kubernetesMinor(version: string): number {
  return Number(version.slice(1).split('.')[1]);
}

/** The chart release for a Kubernetes minor, or undefined; `supported` lists the minors for the error. */
export function chartForMinor(table: Readonly<Record<number, string>>, version: string): string | undefined {
  return version.startsWith('v1.') ? table[kubernetesMinor(version)] : undefined;
}

/** `1.31, 1.32, ...`: the minors a table supports. */
export function supportedMinors(table: Readonly<Record<number, string>>): string {
  return Object.keys(table).map((m) => `1.${m}`).join(', ');
}
