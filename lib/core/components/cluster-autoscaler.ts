/**
 * The cluster-autoscaler of a cluster, with its Cluster API provider (`cloudProvider: clusterapi`): a
 * Flux HelmRelease of the kubernetes/autoscaler chart on the management cluster, in the Cluster's
 * namespace. It is the topology "autoscaler on the management cluster, workload cluster through a
 * kubeconfig" of the provider's README (`clusterAPIMode: kubeconfig-incluster`): it scales the
 * MachineDeployments through its ServiceAccount, whose Role covers the Cluster's namespace only
 * (`rbac.clusterScoped: false`), and watches Nodes and Pods of the workload cluster through Cluster
 * API's `<cluster>-kubeconfig` Secret. Its image is the autoscaler release of the cluster's Kubernetes
 * minor. Installed once per cluster, as soon as one of its worker groups is autoscaled.
 */
import { ANNOTATION_AUTOSCALER_MIN } from '../output/api-versions';
import { compact, Manifest, Rendered } from '../output/manifest';
import { kubeconfigSecretName } from '../output/naming';
import { CLUSTER_AUTOSCALER_CHART_VERSION, CLUSTER_AUTOSCALER_IMAGE_TAGS, CLUSTER_AUTOSCALER_REPOSITORY, chartForMinor, supportedMinors } from './charts';
import { renderHelmRelease, renderHelmRepository, ResolvedDriftDetection } from './flux-release';

/** What a cluster says about its autoscaler: the image of its minor (none when it cannot be installed) and drift detection. */
export interface ResolvedClusterAutoscaler {
  /** The cluster-autoscaler image tag of the cluster's Kubernetes minor; undefined when the library cannot install it. */
  readonly imageTag?: string;
  /** Why the library cannot install it (the autoscaled groups warn with it). @default none */
  readonly problem?: string;
  readonly driftDetection: ResolvedDriftDetection;
}

/** Names of the autoscaler's objects on the management cluster. */
export function clusterAutoscalerNames(cluster: string): { release: string; repository: string } {
  return { release: `${cluster}-autoscaler`, repository: `${cluster}-${CLUSTER_AUTOSCALER_REPOSITORY.id}` };
}

/** The autoscaler settings of a cluster. */
export function resolveClusterAutoscaler(cluster: string, kubernetesVersion: string, driftDetection: ResolvedDriftDetection): ResolvedClusterAutoscaler {
  const problem = clusterAutoscalerProblem(cluster, kubernetesVersion);
  return problem ? { problem, driftDetection } : { imageTag: chartForMinor(CLUSTER_AUTOSCALER_IMAGE_TAGS, kubernetesVersion), driftDetection };
}

/** Helm's limit on release names. */
const HELM_RELEASE_NAME_MAX = 53;

/** Why an autoscaled group of this cluster cannot get the autoscaler, or undefined. */
export function clusterAutoscalerProblem(cluster: string, kubernetesVersion: string): string | undefined {
  const release = clusterAutoscalerNames(cluster).release;
  if (release.length > HELM_RELEASE_NAME_MAX) {
    return `the cluster-autoscaler's Helm release ${JSON.stringify(release)} would be ${release.length} characters, more than Helm's ${HELM_RELEASE_NAME_MAX}: none is installed, and the group stays at its current size until you run one (shorten the cluster name, or set the Cluster's clusterAutoscaler to false to run your own)`;
  }
  if (chartForMinor(CLUSTER_AUTOSCALER_IMAGE_TAGS, kubernetesVersion) !== undefined) return undefined;
  return `the cluster's Kubernetes ${kubernetesVersion} has no cluster-autoscaler release the library installs (it matches the autoscaler to the Kubernetes minor: ${supportedMinors(CLUSTER_AUTOSCALER_IMAGE_TAGS)}): none is installed, and the group stays at its current size until you run one (set the Cluster's clusterAutoscaler to false to say you do)`;
}

/** True when a rendered worker group has a MachineDeployment the autoscaler manages. */
export function isAutoscaled(rendered: Rendered): boolean {
  return rendered.manifests.some((m) => m.kind === 'MachineDeployment' && m.metadata.annotations?.[ANNOTATION_AUTOSCALER_MIN] !== undefined);
}

/** The chart values: the Cluster API provider, management-cluster topology, namespaced RBAC, the minor's image. */
export function clusterAutoscalerValues(cluster: { readonly name: string; readonly namespace: string }, imageTag: string): Record<string, unknown> {
  return {
    cloudProvider: 'clusterapi',
    // management cluster in-cluster (its ServiceAccount), workload cluster through the kubeconfig Secret
    clusterAPIMode: 'kubeconfig-incluster',
    clusterAPIKubeconfigSecret: kubeconfigSecretName(cluster.name),
    autoDiscovery: { clusterName: cluster.name, namespace: cluster.namespace },
    rbac: { clusterScoped: false },
    image: { tag: imageTag },
    fullnameOverride: clusterAutoscalerNames(cluster.name).release,
    // the metrics endpoint has no authentication: no Service in front of it
    service: { create: false },
  };
}

/** The HelmRepository and HelmRelease of a cluster's autoscaler (management cluster, the Cluster's namespace). */
export function renderClusterAutoscaler(cluster: { readonly name: string; readonly namespace: string }, resolved: ResolvedClusterAutoscaler): Manifest[] {
  const names = clusterAutoscalerNames(cluster.name);
  const meta = (name: string) => ({
    name, namespace: cluster.namespace, labels: { 'app.kubernetes.io/managed-by': 'capi-constructs', 'cluster.x-k8s.io/cluster-name': cluster.name },
  });
  return [
    renderHelmRepository(meta(names.repository), CLUSTER_AUTOSCALER_REPOSITORY.url),
    renderHelmRelease({
      metadata: meta(names.release), interval: '10m', releaseName: names.release, targetNamespace: cluster.namespace,
      chart: 'cluster-autoscaler', version: CLUSTER_AUTOSCALER_CHART_VERSION, helmRepository: names.repository,
      values: compact(clusterAutoscalerValues(cluster, resolved.imageTag!)), driftDetection: resolved.driftDetection,
    }),
  ];
}
