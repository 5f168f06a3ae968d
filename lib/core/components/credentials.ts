/**
 * Credential delivery: the library never holds a component's credentials. The user creates, on the
 * management cluster, a Secret of type `addons.cluster.x-k8s.io/resource-set` whose data holds the
 * manifest(s) of the workload-cluster objects (e.g. the Secret `cloud-config` with key `cloud.conf`);
 * a ClusterResourceSet (CAPV's reference pattern) references it by name and Cluster API applies its
 * content to the workload cluster. The charts then use that existing Secret (`secret.create: false`).
 */
import { ADDON_CLUSTER_SELECTOR_LABEL, ADDONS_GROUP, CapiVersion } from '../output/api-versions';
import { Problems, show } from '../rules/errors';
import { Manifest } from '../output/manifest';
import { isDns1123Subdomain } from '../rules/validation';

/** The Secret type Cluster API's ClusterResourceSet controller applies. */
export const RESOURCE_SET_SECRET_TYPE = 'addons.cluster.x-k8s.io/resource-set';

/** What the user's resource-set Secret must deliver, for the error that asks for it. */
export interface CredentialNeed {
  /** e.g. `cloudController.credentialsSecret`. */
  readonly path: string;
  /** e.g. `the OpenStack cloud controller manager`. */
  readonly component: string;
  /** What the data key's manifest must be, e.g. `a Secret "cloud-config" in kube-system with key "cloud.conf"`. */
  readonly delivers: string;
  /** The data key suggested in the error. */
  readonly key: string;
}

/** Checks a credentials Secret reference; a missing one is an error saying which Secret to create with which key. */
export function checkCredentialsSecret(p: Problems, need: CredentialNeed, value: unknown, cluster: string): string | undefined {
  if (value === undefined) {
    p.error(need.path, `is required for ${need.component}: create on the management cluster, in the Cluster's namespace, a Secret of type "${RESOURCE_SET_SECRET_TYPE}" (for example "${cluster}-${need.key.replace(/\.[a-z]+$/, '')}") whose key "${need.key}" holds the manifest of ${need.delivers}, and set ${need.path} to its name; the library never holds the credentials`);
    return undefined;
  }
  if (typeof value !== 'string' || !isDns1123Subdomain(value)) {
    p.error(need.path, `must be the name of a Secret (a DNS-1123 subdomain), got ${show(value)}`);
    return undefined;
  }
  return value;
}

/** The ClusterResourceSet that applies the user's resource-set Secrets to the cluster (strategy Reconcile: a rotated credential is re-applied). */
export function renderCredentialsResourceSet(
  cluster: { readonly name: string; readonly namespace: string; readonly apiVersion: CapiVersion },
  name: string, secrets: readonly string[], labels: Record<string, string>,
): Manifest {
  return {
    apiVersion: `${ADDONS_GROUP}/${cluster.apiVersion}`,
    kind: 'ClusterResourceSet',
    metadata: { name, namespace: cluster.namespace, labels: { ...labels } },
    spec: {
      strategy: 'Reconcile',
      clusterSelector: { matchLabels: { [ADDON_CLUSTER_SELECTOR_LABEL]: cluster.name } },
      resources: secrets.map((s) => ({ name: s, kind: 'Secret' })),
    },
  };
}
