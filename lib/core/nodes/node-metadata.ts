/**
 * Labels and annotations of a node's three objects (its Cluster API Machine, its infrastructure
 * machine and its Node): which keys Cluster API copies from the Machine to the Node, and which keys
 * Cluster API, the kubelet or capi-constructs manage, so that a user's change would be overwritten or
 * would bypass a command of its own.
 */
import { ANNOTATION_SCALE_DOWN_DISABLED, CLUSTER_GROUP } from '../output/api-versions';

/** The object of a node that a label or annotation goes on. */
export type NodeMetadataTarget = 'machine' | 'infra' | 'node';

/** Labels or annotations. */
export type NodeMetadataKind = 'labels' | 'annotations';

/** Label key prefixes Cluster API copies from Machines to Nodes by default (and keeps in sync). */
const SYNCED_LABEL = /^(node-role\.kubernetes\.io\/|([a-z0-9.-]+\.)?node-restriction\.kubernetes\.io\/|([a-z0-9.-]+\.)?node\.cluster\.x-k8s\.io\/)/;

/** The prefixes of {@link isSyncedToNode}, as users read them. */
export const SYNCED_LABEL_PREFIXES = ['node-role.kubernetes.io/', 'node-restriction.kubernetes.io/', 'node.cluster.x-k8s.io/'] as const;

/** Whether Cluster API copies a Machine label with this key to the Machine's Node. */
export function isSyncedToNode(key: string): boolean {
  return SYNCED_LABEL.test(key);
}

/** On a Node: the label keys Cluster API copied from the Machine, comma-separated (Cluster API keeps them in sync). */
export const ANNOTATION_LABELS_FROM_MACHINE = `${CLUSTER_GROUP}/labels-from-machine`;

/** Machine deletion hooks: annotations other controllers set on Machines on purpose. */
const DELETION_HOOK_PREFIXES = [`pre-drain.delete.hook.machine.${CLUSTER_GROUP}`, `pre-terminate.delete.hook.machine.${CLUSTER_GROUP}`];

/** Labels the kubelet (or the cloud provider) sets on its Node when it registers. */
const KUBELET_NODE_LABELS = [
  'kubernetes.io/hostname', 'kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch',
  'node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type', 'topology.kubernetes.io/region', 'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone',
];

function prefixOf(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  return slash >= 0 ? key.slice(0, slash) : undefined;
}

const under = (prefix: string | undefined, domain: string) => prefix !== undefined && (prefix === domain || prefix.endsWith(`.${domain}`));

/**
 * Why a user may not set or remove `key` as a label or annotation of a node's `target` object, or
 * undefined when it may. The rules:
 * - keys under `cluster.x-k8s.io` (and its subdomains) are Cluster API's, except the labels it copies
 *   to Nodes (`node.cluster.x-k8s.io/`) and, on Machines, the deletion-hook annotations;
 * - keys under `capi-constructs.io` are this library's;
 * - the autoscaler's exclusion annotation has its own commands, which check the node's group;
 * - on a Node, the labels the kubelet sets when it registers.
 */
export function managedKeyReason(target: NodeMetadataTarget, kind: NodeMetadataKind, key: string): string | undefined {
  const prefix = prefixOf(key);
  if (under(prefix, CLUSTER_GROUP) && !isSyncedToNode(key)
    && !(target === 'machine' && kind === 'annotations' && DELETION_HOOK_PREFIXES.includes(prefix!))) {
    return `keys under ${CLUSTER_GROUP} are managed by Cluster API`;
  }
  if (under(prefix, 'capi-constructs.io')) return 'keys under capi-constructs.io are managed by capi-constructs';
  if (kind === 'annotations' && key === ANNOTATION_SCALE_DOWN_DISABLED) {
    return 'the exclusion from autoscaling has its own commands (exclude-from-autoscaling, include-in-autoscaling), which check that the node\'s group is autoscaled';
  }
  if (target === 'node' && kind === 'labels' && KUBELET_NODE_LABELS.includes(key)) {
    return 'the kubelet (or the cloud provider) sets this label when the node registers';
  }
  return undefined;
}
