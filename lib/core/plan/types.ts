/**
 * The typed plan `planFleet` returns: per cluster, what the next apply will have rejected, roll,
 * delete or scale, and change in place. Plain data (JSON-compatible), so `--output json` is the same
 * object.
 */

/** Which object a plan entry is about. */
export interface ObjectId {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** One changed field. `old` absent: the field is added; `new` absent: it is removed. */
export interface FieldChange {
  /** Dotted path with `[i]` for list items and `["key"]` for keys holding `.` or `/`, e.g. `spec.replicas`. */
  readonly path: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

/**
 * How an update is refused:
 * - `rejected`: the admission webhook refuses the update (the apply fails);
 * - `blocked`: the update is stored, but a controller refuses to act on it (machines never created);
 * - `ignored`: the update is stored and accepted, but never reaches the machines it is meant for.
 */
export type RejectionEffect = 'rejected' | 'blocked' | 'ignored';

/** A change that the next apply cannot make. */
export interface RejectedChange {
  readonly object: ObjectId;
  readonly path: string;
  readonly old?: unknown;
  readonly new?: unknown;
  readonly effect: RejectionEffect;
  /** The rule, as the upstream error states it, e.g. `cannot be modified`. */
  readonly rule: string;
  /** Upstream file and function holding the rule, e.g. `cluster-api v1.14.0 core/webhooks/admission/cluster.go validate`. */
  readonly source: string;
  /** What to do instead. */
  readonly instead: string;
}

/** How a rollout is paced. Percentages are resolved against the machine count (surge rounds up, unavailable down). */
export interface RolloutPacing {
  readonly strategy: 'RollingUpdate' | 'OnDelete';
  /** As written (int or percent); 0 or 1 for a KubeadmControlPlane. */
  readonly maxSurge?: number | string;
  readonly maxUnavailable?: number | string;
  /** Machines created above the desired count at a time. */
  readonly surge?: number;
  /** Machines that may be missing at a time. */
  readonly unavailable?: number;
}

/**
 * A change that rolls a group. When the group's template reference changes, each changed field of
 * the template is one cause: `template` names the new template and `ref` the reference that moved.
 */
export interface RollCause extends FieldChange {
  readonly template?: ObjectId;
  /** The reference path of the group, e.g. `spec.template.spec.infrastructureRef.name`. */
  readonly ref?: string;
}

/** A control plane or worker group whose machines are all replaced. */
export interface Roll {
  readonly object: ObjectId;
  readonly group: 'control-plane' | 'workers';
  /** The changed fields that cause the rollout (of the group, or of the template it points at). */
  readonly causes: readonly RollCause[];
  /** Machines replaced: the desired replica count after the apply. */
  readonly machines: number;
  /** How `machines` was found when the group is autoscaled, e.g. `autoscaled 3-9, replicas kept at 3`. */
  readonly machinesNote?: string;
  /**
   * A control plane only, when its first machine (the one that ran kubeadm init, if it was never
   * replaced) is treated apart: `only` it rolls (a change of initConfiguration alone), `kept` it keeps
   * running while the joined machines roll (a change of joinConfiguration alone). Absent: every machine rolls.
   */
  readonly firstMachine?: 'only' | 'kept';
  readonly pacing: RolloutPacing;
}

/** A KubeadmControlPlane or MachineDeployment that the apply deletes, with its machines. */
export interface GroupRemoval {
  readonly object: ObjectId;
  readonly group: 'control-plane' | 'workers';
  /** Machines deleted (spec.replicas, or the autoscaler minimum when replicas is unset). */
  readonly machines: number;
  readonly machinesNote?: string;
}

/** A replica count that changes. `old`/`new` absent: unset (the autoscaler owns it). */
export interface ReplicaChange {
  readonly object: ObjectId;
  readonly old?: number;
  readonly new?: number;
}

/** A HelmRelease that the apply deletes: Flux uninstalls the release. */
export interface AddonRemoval {
  readonly object: ObjectId;
  readonly chart?: string;
  readonly version?: string;
  readonly targetNamespace?: string;
}

/** Changed cluster-autoscaler bounds (the min/max-size annotations). Absent: annotation not set. */
export interface AutoscalerChange {
  readonly object: ObjectId;
  readonly min: { readonly old?: string; readonly new?: string };
  readonly max: { readonly old?: string; readonly new?: string };
}

/** Changed fields of an object that are applied without replacing machines. */
export interface InPlaceChange {
  readonly object: ObjectId;
  readonly changes: readonly FieldChange[];
}

/** A Kubernetes version change of the control plane (stage 0) or a worker group (its `upgradeStage`). */
export interface VersionChange {
  readonly object: ObjectId;
  readonly group: 'control-plane' | 'workers';
  /** 0 for the control plane, the group's upgradeStage (default 1) for workers. */
  readonly stage: number;
  readonly old: string;
  readonly new: string;
  /** The control plane's live `status.version`, when read from the management cluster. */
  readonly reported?: string;
  /** Why this change comes too early (the control plane or an earlier stage is not there yet). */
  readonly outOfOrder?: string;
}

/** The plan of one cluster. */
export interface ClusterPlan {
  /** Namespace and name of the Cluster; both empty for the objects that belong to no cluster (one group, listed last). */
  readonly cluster: { readonly namespace: string; readonly name: string };
  /** `created`: only in next; `deleted`: only in previous. */
  readonly status: 'created' | 'deleted' | 'changed' | 'unchanged';
  readonly rejected: readonly RejectedChange[];
  readonly rolls: readonly Roll[];
  readonly deletes: {
    readonly groups: readonly GroupRemoval[];
    readonly addons: readonly AddonRemoval[];
    /** Every other deleted object (old machine templates after a rename, health checks, ...). */
    readonly objects: readonly ObjectId[];
  };
  readonly scales: {
    readonly replicas: readonly ReplicaChange[];
    readonly autoscaler: readonly AutoscalerChange[];
  };
  readonly inPlace: readonly InPlaceChange[];
  /** Objects only in next. */
  readonly created: readonly ObjectId[];
  /** Kubernetes version changes in upgrade order: the control plane, then the worker groups by stage. */
  readonly upgrades: readonly VersionChange[];
}

/** The plan of a fleet: one entry per cluster found in either set, sorted by namespace and name, then the objects of no cluster. */
export interface FleetPlan {
  readonly clusters: readonly ClusterPlan[];
  readonly totals: {
    readonly rejected: number;
    readonly rolls: number;
    readonly machinesRolled: number;
    readonly groupsRemoved: number;
    readonly machinesRemoved: number;
    readonly addonsRemoved: number;
    readonly replicaChanges: number;
    readonly autoscalerChanges: number;
    readonly inPlace: number;
    readonly created: number;
    readonly deleted: number;
    /** Worker upgrades that come before the control plane (or an earlier stage) reports their version. */
    readonly outOfOrder: number;
  };
}
