/**
 * Access to the two clusters a node operation talks to:
 * - the management cluster (from the caller's KubeConfig): Cluster API objects;
 * - the workload cluster, through the `<cluster>-kubeconfig` Secret Cluster API writes. The Secret is
 *   read into memory and parsed there; it is never written to disk, logged or returned.
 *
 * Cluster API versions: `apiVersion: 'preferred'` (the default) reads the groups' preferred versions
 * from discovery (`GET /apis`), so a Cluster API 1.11+ management cluster is read at v1beta2 and a 1.10
 * one at v1beta1; `'v1beta2'` or `'v1beta1'` skips discovery.
 */
import { LeaseClient } from './lease';
import { ApisApi, CoreV1Api, CustomObjectsApi, KubeConfig, KubernetesObjectApi, V1APIGroup } from '@kubernetes/client-node';
import { CAPI_VERSIONS, CapiVersion, CLUSTER_GROUP, CONTROL_PLANE_GROUP } from '../core/output/api-versions';
import { kubeconfigSecretName } from '../core/output/naming';
import { isNotFound } from './api-errors';
import { NodeOperationNotFound } from './errors';
import type { NodeAction } from './requests';
import { CapiVersionChoice, ClusterReference, KUBECONFIG_SECRET_KEY, KubeConfigLike } from './types';

/**
 * The workload cluster's KubeConfig from the data of its `<cluster>-kubeconfig` Secret (base64 under
 * {@link KUBECONFIG_SECRET_KEY}), in memory only; undefined when the key is missing. Throws when the
 * content is not a kubeconfig (callers must not echo the content: it holds credentials).
 */
export function kubeConfigFromSecretData(data: Readonly<Record<string, string>> | undefined): KubeConfig | undefined {
  const encoded = data?.[KUBECONFIG_SECRET_KEY];
  if (encoded === undefined) return undefined;
  const kc = new KubeConfig();
  kc.loadFromString(Buffer.from(encoded, 'base64').toString('utf8'));
  return kc;
}

/**
 * The KubeConfig of @kubernetes/client-node that a caller passed as a `KubeConfigLike` (the public
 * declarations name no type of that package; callers pass its KubeConfig, checked by `checkKubeConfig`).
 */
export function clientNodeConfig(kubeConfig: KubeConfigLike): KubeConfig {
  return kubeConfig as unknown as KubeConfig;
}

export interface WorkloadClient {
  readonly core: CoreV1Api;
  /** Custom resources of the workload cluster (the SR-IOV Network Operator's node states). */
  readonly custom: CustomObjectsApi;
}

export class ClusterAccess {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  /** Objects of any kind (infrastructure machines), resource names resolved through discovery. */
  readonly objects: KubernetesObjectApi;
  /** Leases on the management cluster (one per cluster for control-plane deletions). */
  readonly leases: LeaseClient;
  private readonly apis: ApisApi;
  private groups?: Promise<readonly V1APIGroup[]>;
  private workloadClient?: Promise<WorkloadClient>;

  constructor(management: KubeConfig, readonly cluster: ClusterReference, private readonly versionChoice: CapiVersionChoice = 'preferred') {
    this.core = management.makeApiClient(CoreV1Api);
    this.custom = management.makeApiClient(CustomObjectsApi);
    this.apis = management.makeApiClient(ApisApi);
    this.objects = KubernetesObjectApi.makeApiClient(management);
    this.leases = new LeaseClient(management);
  }

  /** Clients for the workload cluster; the kubeconfig Secret is read once per ClusterAccess. */
  workload(action: NodeAction, node: string): Promise<WorkloadClient> {
    this.workloadClient ??= this.readWorkloadConfig(action, node).then((kc) => ({ core: kc.makeApiClient(CoreV1Api), custom: kc.makeApiClient(CustomObjectsApi) }));
    // A failed read is not remembered: the next call tries again.
    this.workloadClient.catch(() => { this.workloadClient = undefined; });
    return this.workloadClient;
  }

  private async readWorkloadConfig(action: NodeAction, node: string): Promise<KubeConfig> {
    const name = kubeconfigSecretName(this.cluster.name);
    let data: Record<string, string> | undefined;
    try {
      data = (await this.core.readNamespacedSecret({ name, namespace: this.cluster.namespace })).data;
    } catch (e) {
      if (isNotFound(e)) throw new NodeOperationNotFound(action, node, 'KubeconfigSecretNotFound', `Secret ${this.cluster.namespace}/${name} not found: is ${this.cluster.namespace}/${this.cluster.name} a provisioned Cluster API cluster?`);
      throw e;
    }
    if (!data?.[KUBECONFIG_SECRET_KEY]) throw new NodeOperationNotFound(action, node, 'KubeconfigSecretNotFound', `Secret ${this.cluster.namespace}/${name} has no "${KUBECONFIG_SECRET_KEY}" key`);
    return kubeConfigFromSecretData(data)!;
  }

  /** The version Cluster API objects (group cluster.x-k8s.io) are read and written at. */
  capiVersion(action: NodeAction, node: string): Promise<CapiVersion> {
    return this.capiGroupVersion(CLUSTER_GROUP, action, node);
  }

  /** The version of the KubeadmControlPlane group (controlplane.cluster.x-k8s.io). */
  controlPlaneVersion(action: NodeAction, node: string): Promise<CapiVersion> {
    return this.capiGroupVersion(CONTROL_PLANE_GROUP, action, node);
  }

  private async capiGroupVersion(group: string, action: NodeAction, node: string): Promise<CapiVersion> {
    if (this.versionChoice !== 'preferred') return this.versionChoice;
    const found = (await this.discovery()).find((g) => g.name === group);
    const preferred = found?.preferredVersion?.version;
    if (preferred && (CAPI_VERSIONS as readonly string[]).includes(preferred)) return preferred as CapiVersion;
    const served = CAPI_VERSIONS.find((v) => found?.versions.some((s) => s.version === v));
    if (served) return served;
    throw new NodeOperationNotFound(action, node, 'ClusterApiNotServed', `the management cluster serves ${found ? `${group} only at ${found.versions.map((v) => v.version).join(', ')}` : `no ${group} API`}; node operations need ${CAPI_VERSIONS.join(' or ')}`);
  }

  /**
   * The version a kind of any group is served at (infrastructure machines are referenced by apiGroup
   * only): the group's preferred version if it serves the kind, else the first other version that does.
   * Providers share `infrastructure.cluster.x-k8s.io`, so the group's preferred version may lack the kind.
   */
  async servedVersion(group: string, kind: string): Promise<string | undefined> {
    return (await this.servedResource(group, kind))?.version;
  }

  /** Like {@link servedVersion}, with the kind's plural resource name (the URL segment). */
  async servedResource(group: string, kind: string): Promise<{ readonly version: string; readonly plural: string } | undefined> {
    const found = (await this.discovery()).find((g) => g.name === group);
    if (!found) return undefined;
    const preferred = found.preferredVersion?.version;
    const versions = [...(preferred ? [preferred] : []), ...found.versions.map((v) => v.version).filter((v) => v !== preferred)];
    for (const version of versions) {
      const resources = await this.custom.getAPIResources({ group, version }).catch(() => undefined);
      const resource = resources?.resources.find((r) => r.kind === kind && !r.name.includes('/'));
      if (resource) return { version, plural: resource.name };
    }
    return undefined;
  }

  private discovery(): Promise<readonly V1APIGroup[]> {
    this.groups ??= this.apis.getAPIVersions().then((list) => list.groups);
    this.groups.catch(() => { this.groups = undefined; });
    return this.groups;
  }
}

/** What `KubeConfig.loadFromDefault` falls back to when it finds nothing: an http://localhost:8080 cluster. */
const CLIENT_FALLBACK_SERVER = 'http://localhost:8080';

/**
 * The default KubeConfig: `$KUBECONFIG`, else `~/.kube/config`, else the in-cluster service account.
 * Throws, saying so plainly, when there is none of them (instead of the client's fallback to
 * http://localhost:8080, whose first call fails with "HTTP protocol is not allowed when skipTLSVerify is not set").
 */
export function loadDefaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const cluster = kc.getCurrentCluster();
  if (kc.getClusters().length === 1 && cluster?.name === 'cluster' && cluster.server === CLIENT_FALLBACK_SERVER) {
    throw new Error('no kubeconfig found: KUBECONFIG is not set, ~/.kube/config does not exist and this is not a pod with a service account; pass --kubeconfig <file> or set KUBECONFIG');
  }
  return kc;
}
