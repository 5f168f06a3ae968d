/**
 * `NodeOperations`: the seed's node actions (cordon, uncordon, drain, delete with or without
 * replacement, exclusion from autoscaling, show, list, labels and annotations) over `@kubernetes/client-node`.
 *
 * Built from the management cluster's KubeConfig and a reference to the workload cluster's Cluster
 * object; the workload cluster is reached through its `<cluster>-kubeconfig` Secret, read into memory.
 * Every action is idempotent and returns what it wrote (or, with `dryRun`, would write); a rule that
 * forbids an action throws {@link NodeOperationRefused} before any write.
 *
 * @example
 * const ops = new NodeOperations(kubeConfig, { name: 'prod', namespace: 'tenants' });
 * await ops.drain('prod-workers-abcde', { timeoutSeconds: 300 });
 */
import { excludeFromAutoscaling, includeInAutoscaling } from './autoscaling-exclusion';
import { ClusterAccess, clientNodeConfig } from './cluster-access';
import { OperationContext, REAL_CLOCK } from './context';
import { cordon, uncordon } from './cordon';
import { deleteNode } from './delete';
import { drain } from './drain';
import { checkCall, checkConstruction, checkList } from './options';
import { NodeOperationResult } from './requests';
import { listNodes } from './list';
import { changeMetadata } from './metadata';
import { showNode } from './show';
import {
  CapiVersionChoice, Clock, ClusterReference, DeleteOptions, DeleteResult, DrainOptions, DrainResult, KubeConfigLike,
  NodeListOptions, NodeListReport, NodeMetadataChange, NodeMetadataResult, NodeReport,
} from './types';

/** Options of {@link NodeOperations}: dry run, Cluster API version, clock. */
export interface NodeOperationsOptions {
  /** Plan the write requests without sending them (reads are still sent). @default false */
  readonly dryRun?: boolean;
  /**
   * Cluster API version to read and write Machines, MachineSets, MachineDeployments and
   * KubeadmControlPlanes at; `'preferred'` asks discovery (`GET /apis`).
   * @default 'preferred'
   */
  readonly apiVersion?: CapiVersionChoice;
  /** Time source for drain timeouts and backoff. @default the system clock */
  readonly clock?: Clock;
}

/** The node actions of the platform's node page (cordon, drain, delete, autoscaling exclusion, show, list, labels and annotations) for one cluster. */
export class NodeOperations {
  private readonly ctx: OperationContext;

  /** @throws ValidationError for a bad cluster reference or unknown or ill-typed options. */
  constructor(kubeConfig: KubeConfigLike, cluster: ClusterReference, options: NodeOperationsOptions = {}) {
    checkConstruction(kubeConfig, cluster, options);
    this.ctx = {
      access: new ClusterAccess(clientNodeConfig(kubeConfig), { name: cluster.name, namespace: cluster.namespace }, options.apiVersion ?? 'preferred'),
      dryRun: options.dryRun ?? false,
      clock: options.clock ?? REAL_CLOCK,
    };
  }

  /** Marks the node unschedulable. */
  async cordon(node: string): Promise<NodeOperationResult> {
    return cordon(this.ctx, checked('cordon', node));
  }

  /** Makes the node schedulable again (undoes cordon and drain). */
  async uncordon(node: string): Promise<NodeOperationResult> {
    return uncordon(this.ctx, checked('uncordon', node));
  }

  /** Cordons the node and evicts its pods through the Eviction API. */
  async drain(node: string, options?: DrainOptions): Promise<DrainResult> {
    return drain(this.ctx, checked('drain', node, options), options);
  }

  /** Deletes the node's Machine (replace) or removes the node for good (no replace, workers only). */
  async delete(node: string, options: DeleteOptions): Promise<DeleteResult> {
    return deleteNode(this.ctx, checked('delete', node, options), options);
  }

  /** Annotates the node so the cluster-autoscaler never scales it down (autoscaled groups only). */
  async excludeFromAutoscaling(node: string): Promise<NodeOperationResult> {
    return excludeFromAutoscaling(this.ctx, checked('exclude-from-autoscaling', node));
  }

  /** Removes the exclusion. */
  async includeInAutoscaling(node: string): Promise<NodeOperationResult> {
    return includeInAutoscaling(this.ctx, checked('include-in-autoscaling', node));
  }

  /** Reads the node, its Machine, infrastructure machine and groups, its resources, pods, events and SR-IOV interfaces. */
  async show(node: string): Promise<NodeReport> {
    return showNode(this.ctx, checked('show', node));
  }

  /** The control-plane group and every worker group with their nodes: one list call per kind. */
  async list(options: NodeListOptions = {}): Promise<NodeListReport> {
    checkList(options);
    return listNodes(this.ctx, options);
  }

  /** Sets and removes labels on the node's Machine, infrastructure machine or Node. */
  async label(node: string, change: NodeMetadataChange): Promise<NodeMetadataResult> {
    return changeMetadata(this.ctx, 'labels', checked('label', node, change), change);
  }

  /** Sets and removes annotations on the node's Machine, infrastructure machine or Node. */
  async annotate(node: string, change: NodeMetadataChange): Promise<NodeMetadataResult> {
    return changeMetadata(this.ctx, 'annotations', checked('annotate', node, change), change);
  }
}

/** The node name, once the call's arguments are valid (a ValidationError otherwise). */
function checked(action: string, node: string, options?: unknown): string {
  checkCall(action, node, options);
  return node;
}
