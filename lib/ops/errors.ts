/**
 * Errors of node operations. Every refusal is thrown before the operation sends any write request,
 * so a refused operation leaves the clusters as they were.
 */
import type { NodeAction, PlannedRequest } from './requests';

/** Why a rule forbids an operation. */
export type RefusalReason =
  /** A control-plane node can only be deleted with replacement (etcd quorum). */
  | 'ControlPlaneRequiresReplacement'
  /** `confirm` is not the node's name (control-plane deletion). */
  | 'ConfirmationMismatch'
  /** Fewer than two other control-plane nodes are Ready: deleting this one risks etcd quorum. */
  | 'ControlPlaneQuorumAtRisk'
  /** Deleting without replacement is forbidden for autoscaled groups. */
  | 'AutoscaledGroup'
  /** Exclusion from autoscaling applies only to nodes of autoscaled groups. */
  | 'NotAutoscaled'
  /** Nothing would recreate the Machine (it belongs to no MachineSet or KubeadmControlPlane). */
  | 'NoReplacementOwner'
  /** Deleting without replacement needs a MachineDeployment or MachineSet whose replicas can be lowered. */
  | 'NoScalableGroup'
  /** The group already has 0 replicas: there is nothing to lower. */
  | 'NoReplicasToRemove'
  /** Pods with emptyDir data would lose it; allow with `deleteEmptyDirData`. */
  | 'EmptyDirData'
  /** Pods that no controller manages would be gone for good; allow with `force`. */
  | 'UnmanagedPods'
  /** Another control-plane deletion of the same cluster holds its Lease (retry when it has finished). */
  | 'OperationInProgress'
  /** A label or annotation key that Cluster API, the kubelet or capi-constructs manage (or that has its own command). */
  | 'ManagedKey';

/** Base class: every error a node operation throws on purpose carries a reason code. */
export class NodeOperationError extends Error {
  constructor(
    message: string,
    /** Machine-readable reason. */
    public readonly reason: string,
    /** The action that failed. */
    public readonly action: NodeAction,
    /** The node it was asked for. */
    public readonly node: string,
  ) {
    super(message);
    this.name = 'NodeOperationError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** A rule forbids the operation. Nothing was written. */
export class NodeOperationRefused extends NodeOperationError {
  /** HTTP-style status: the request conflicts with the cluster's state. */
  public readonly statusCode = 409;
  declare public readonly reason: RefusalReason;

  constructor(action: NodeAction, node: string, reason: RefusalReason, message: string) {
    super(`${action} ${node} refused (${reason}): ${message}`, reason, action, node);
    this.name = 'NodeOperationRefused';
  }
}

/** What could not be found. */
export type NotFoundReason = 'NodeNotFound' | 'MachineNotFound' | 'InfrastructureMachineNotFound' | 'KubeconfigSecretNotFound' | 'ClusterApiNotServed';

/** The node, its Machine (or infrastructure machine) or the cluster's kubeconfig Secret does not exist. Nothing was written. */
export class NodeOperationNotFound extends NodeOperationError {
  public readonly statusCode = 404;
  declare public readonly reason: NotFoundReason;

  constructor(action: NodeAction, node: string, reason: NotFoundReason, message: string) {
    super(`${action} ${node}: ${message}`, reason, action, node);
    this.name = 'NodeOperationNotFound';
  }
}

/** A pod that a drain could not remove in time, and the PodDisruptionBudget that blocked it if one did. */
export interface RemainingPod {
  readonly namespace: string;
  readonly name: string;
  /** The PodDisruptionBudget named by the last refused eviction (HTTP 429). */
  readonly blockedBy?: string;
}

/** The drain did not finish within its timeout. The node stays cordoned; run drain again or uncordon it. */
export class DrainTimeout extends NodeOperationError {
  public readonly statusCode = 504;

  constructor(
    node: string,
    public readonly timeoutSeconds: number,
    public readonly remaining: readonly RemainingPod[],
    /** The write requests sent before giving up (the cordon and the evictions). */
    public readonly requests: readonly PlannedRequest[],
  ) {
    super(
      `drain ${node} timed out after ${timeoutSeconds}s with ${remaining.length} pod${remaining.length === 1 ? '' : 's'} left: `
      + remaining.map((p) => `${p.namespace}/${p.name}${p.blockedBy ? ` (blocked by PodDisruptionBudget ${p.blockedBy})` : ''}`).join(', ')
      + '; the node stays cordoned',
      'DrainTimeout', 'drain', node,
    );
    this.name = 'DrainTimeout';
  }
}
