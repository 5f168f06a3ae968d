/**
 * `NodeOperations`: the seed's node actions (cordon, uncordon, drain, delete with or without
 * replacement, exclusion from autoscaling, show) over `@kubernetes/client-node`.
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
import { KubeConfig } from '@kubernetes/client-node';
import { Problems, show, ValidationError } from '../core/errors';
import { checkDns1123Label, isDns1123Subdomain } from '../core/validation';
import { excludeFromAutoscaling, includeInAutoscaling } from './autoscaling-exclusion';
import { CapiVersionChoice, ClusterAccess, ClusterReference } from './cluster-access';
import { Clock, OperationContext, REAL_CLOCK } from './context';
import { cordon, uncordon } from './cordon';
import { DeleteOptions, DeleteResult, deleteNode } from './delete';
import { drain, DrainOptions, DrainResult } from './drain';
import { NodeOperationResult } from './requests';
import { NodeReport, showNode } from './show';

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

const OPTION_KEYS = ['dryRun', 'apiVersion', 'clock'];

export class NodeOperations {
  private readonly ctx: OperationContext;

  constructor(kubeConfig: KubeConfig, cluster: ClusterReference, options: NodeOperationsOptions = {}) {
    const p = new Problems('NodeOperations');
    checkDns1123Label(p, 'cluster.name', cluster?.name);
    checkDns1123Label(p, 'cluster.namespace', cluster?.namespace);
    for (const k of Object.keys(options ?? {})) if (!OPTION_KEYS.includes(k)) p.error(`options.${k}`, `is not an option (allowed: ${OPTION_KEYS.join(', ')})`);
    const v = options?.apiVersion;
    if (v !== undefined && !['preferred', 'v1beta2', 'v1beta1'].includes(v)) p.error('options.apiVersion', `${show(v)} must be "preferred", "v1beta2" or "v1beta1"`);
    if (options?.dryRun !== undefined && typeof options.dryRun !== 'boolean') p.error('options.dryRun', 'must be a boolean');
    p.throwIfErrors();
    this.ctx = {
      access: new ClusterAccess(kubeConfig, { name: cluster.name, namespace: cluster.namespace }, v ?? 'preferred'),
      dryRun: options.dryRun ?? false,
      clock: options.clock ?? REAL_CLOCK,
    };
  }

  /** Marks the node unschedulable. */
  cordon(node: string): Promise<NodeOperationResult> {
    return cordon(this.ctx, checkNode(node));
  }

  /** Makes the node schedulable again (undoes cordon and drain). */
  uncordon(node: string): Promise<NodeOperationResult> {
    return uncordon(this.ctx, checkNode(node));
  }

  /** Cordons the node and evicts its pods through the Eviction API. */
  drain(node: string, options?: DrainOptions): Promise<DrainResult> {
    return drain(this.ctx, checkNode(node), options);
  }

  /** Deletes the node's Machine (replace) or removes the node for good (no replace, workers only). */
  delete(node: string, options: DeleteOptions): Promise<DeleteResult> {
    return deleteNode(this.ctx, checkNode(node), options);
  }

  /** Annotates the node so the cluster-autoscaler never scales it down (autoscaled groups only). */
  excludeFromAutoscaling(node: string): Promise<NodeOperationResult> {
    return excludeFromAutoscaling(this.ctx, checkNode(node));
  }

  /** Removes the exclusion. */
  includeInAutoscaling(node: string): Promise<NodeOperationResult> {
    return includeInAutoscaling(this.ctx, checkNode(node));
  }

  /** Reads the node, its Machine, infrastructure machine and groups. */
  show(node: string): Promise<NodeReport> {
    return showNode(this.ctx, checkNode(node));
  }
}

/** Node names are DNS-1123 subdomains; anything else cannot name a Node (and must not reach a URL path). */
function checkNode(node: unknown): string {
  if (typeof node !== 'string' || !isDns1123Subdomain(node)) {
    throw new ValidationError('node', [{ path: 'node', message: `${show(node)} is not a node name (a DNS-1123 subdomain of at most 253 characters)` }]);
  }
  return node;
}
