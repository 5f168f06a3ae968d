/**
 * Every name an add-on uses. The construct, the cleanup function and the `addon-cleanup` CLI all call
 * {@link addonNames}; nothing else builds an add-on name.
 */
import { memoize } from '../rules/memo';
import { kubeconfigSecretName, sha256 } from '../output/naming';
import { AddonName, catalogEntry, isAddonName } from './catalog';
import { checkArguments, isNameArgument } from '../rules/arguments';

/** Prefix of every add-on namespace on the workload cluster (operations guide: `iaas-addon-{name}`). */
export const ADDON_NAMESPACE_PREFIX = 'iaas-addon-';
/** Length of the per-cluster suffix. */
export const ADDON_SUFFIX_LENGTH = 4;
/** Helm's limit on release names (and Flux's on `spec.releaseName`). */
export const MAX_RELEASE_NAME_LENGTH = 53;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The 4-character suffix: lower-case letters and digits from sha256(`<namespace>/<cluster>/<addon>`).
 * Deterministic, so every synth (and the CLI) yields the same names.
 */
export function addonSuffix(clusterNamespace: string, clusterName: string, addon: AddonName): string {
  return suffixOf(`${clusterNamespace}/${clusterName}/${addon}`);
}

// perf: rendering one add-on asks for its names several times; remember the last few hundred suffixes
const suffixOf = memoize((seed) => {
  const digest = sha256(seed);
  let out = '';
  for (let i = 0; i < ADDON_SUFFIX_LENGTH; i++) out += ALPHABET[digest.readUInt16BE(i * 2) % ALPHABET.length];
  return out;
}, 512);

/** One HelmRelease of an add-on. */
export interface AddonReleaseNames {
  readonly component: string;
  /** HelmRelease `metadata.name` and Helm release name (`spec.releaseName`). */
  readonly name: string;
}

/** Every name generated for one add-on of one cluster (namespace, releases, repository, policies). */
export interface AddonNames {
  readonly suffix: string;
  /** Namespace on the workload cluster: `iaas-addon-<addon>-<suffix>`. */
  readonly namespace: string;
  /** HelmReleases in catalog order; the primary one is `<addon>-<suffix>`. */
  readonly releases: readonly AddonReleaseNames[];
  /** The primary release name: `<addon>-<suffix>`. */
  readonly release: string;
  /** HelmRepository: `<addon>-<suffix>`. */
  readonly helmRepository: string;
  /** Prefix of the NetworkPolicies in the add-on namespace: `<release>-ingress-<role>` (see network.ts). */
  readonly networkPolicy: string;
  /** Management mode: ConfigMap with the workload-cluster objects, and the ClusterResourceSet that applies it. */
  readonly tenantResources: string;
  readonly clusterResourceSet: string;
  readonly prometheusRule: string;
  /** CAPI's kubeconfig Secret of the workload cluster (management mode). */
  readonly kubeconfigSecret: string;
}

/** All names of one add-on on one cluster. */
export function addonNames(cluster: { readonly name: string; readonly namespace: string }, addon: AddonName): AddonNames {
  // any object with the two names: a ClusterRef, or a cdk8s/Pulumi Cluster
  let okCluster: boolean;
  try {
    okCluster = cluster !== null && typeof cluster === 'object' && isNameArgument(cluster.name) && isNameArgument(cluster.namespace);
  } catch {
    okCluster = false; // a getter or Proxy that throws
  }
  if (!okCluster || !isAddonName(addon)) {
    checkArguments('addonNames', [['cluster', cluster, okCluster, '{ name, namespace } (strings)'], ['addon', addon, isAddonName(addon), 'an add-on name of the catalog']]);
  }
  const suffix = addonSuffix(cluster.namespace, cluster.name, addon);
  const release = `${addon}-${suffix}`;
  const releases = catalogEntry(addon).charts.map((c) => ({ component: c.component, name: c.primary ? release : `${release}-${c.component}` }));
  for (const r of releases) {
    // The catalog is fixed, so this is a library bug, not bad input; tests cover every entry.
    if (r.name.length > MAX_RELEASE_NAME_LENGTH) throw new Error(`release name ${r.name} exceeds ${MAX_RELEASE_NAME_LENGTH} characters`);
  }
  return {
    suffix,
    namespace: `${ADDON_NAMESPACE_PREFIX}${addon}-${suffix}`,
    releases,
    release,
    helmRepository: release,
    networkPolicy: `${release}-ingress`,
    tenantResources: `${release}-tenant-resources`,
    clusterResourceSet: `${release}-tenant-resources`,
    prometheusRule: `${release}-flux`,
    kubeconfigSecret: kubeconfigSecretName(cluster.name),
  };
}

/**
 * Where Flux runs.
 * - `management`: Flux on the management cluster; HelmReleases in the Cluster's namespace reach the
 *   workload cluster through its CAPI kubeconfig Secret; workload-cluster objects go by ClusterResourceSet.
 * - `tenant`: Flux on the workload cluster itself; everything is applied there, in the add-on namespace.
 */
export type AddonMode = 'management' | 'tenant';
/** Where an add-on's Flux objects live: `management` (HelmReleases on the management cluster, with the workload cluster's kubeconfig) or `tenant` (Flux on the workload cluster). */
export const ADDON_MODES: readonly AddonMode[] = ['management', 'tenant'];
