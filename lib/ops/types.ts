/**
 * What callers of node operations pass in and get back: the management cluster's configuration, the
 * cluster reference, options, results and reports, and the constants their rules name. Declared with the
 * library's own types and TypeScript's only, so that the declarations of `capi-constructs/ops` compile in
 * any project, without the declarations of `@kubernetes/client-node` (or Node's). Nothing here imports a
 * runtime package; the actions (drain.ts, delete.ts, show.ts, ...) import their shapes from here.
 */
import type { NodeMetadataTarget } from '../core/nodes/node-metadata';
import type { CapiVersion } from '../core/output/api-versions';
import type { RemainingPod } from './errors';
import type { NodeOperationResult } from './requests';

export type { NodeMetadataTarget } from '../core/nodes/node-metadata';

/**
 * The management cluster's configuration: a `KubeConfig` of `@kubernetes/client-node` 1.x, which the
 * library hands to the clients it makes from it. Only the methods the library calls are named, so that
 * the declarations need no type of `@kubernetes/client-node`; any `KubeConfig` of that package is one.
 *
 * @example
 * import { KubeConfig } from '@kubernetes/client-node';
 * const kubeConfig = new KubeConfig();
 * kubeConfig.loadFromDefault();
 * const ops = new NodeOperations(kubeConfig, { name: 'prod', namespace: 'tenants' });
 */
export interface KubeConfigLike {
  /** The cluster of the current context: where requests go. */
  getCurrentCluster(): { readonly server: string } | null;
  /** Makes an API client of `@kubernetes/client-node` (e.g. `CoreV1Api`) that sends its requests with this configuration. */
  makeApiClient<T extends object>(apiClientType: new (configuration: never) => T): T;
  /** Adds the credentials (and TLS settings) to one request of such a client. */
  applySecurityAuthentication(context: { setHeaderParam(key: string, value: string): void }): Promise<void>;
}

/** The workload cluster, by its Cluster object on the management cluster. */
export interface ClusterReference {
  readonly name: string;
  readonly namespace: string;
}

/** Which Cluster API version to read and write. */
export type CapiVersionChoice = CapiVersion | 'preferred';

/** The key of the `<cluster>-kubeconfig` Secret that holds the kubeconfig (Cluster API's `value`). */
export const KUBECONFIG_SECRET_KEY = 'value';

/** Time source and sleep; injectable so that tests bound every wait. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Which group a Machine belongs to. */
export interface NodeGroup {
  readonly role: 'control-plane' | 'worker';
  /** KubeadmControlPlane name (control-plane Machines). */
  readonly controlPlane?: string;
  /** MachineSet name (worker Machines). */
  readonly machineSet?: string;
  /** MachineDeployment name, when the MachineSet belongs to one. */
  readonly machineDeployment?: string;
}

/** The cluster-autoscaler's bounds of a group; it manages the group only when both annotations are set. */
export interface AutoscalingBounds {
  readonly min: number;
  readonly max: number;
}

/** Annotation the kubelet puts on the API mirror of a static pod. */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** Drain timeout when none is given: 5 minutes. */
export const DEFAULT_DRAIN_TIMEOUT_SECONDS = 300;

/** Options of `NodeOperations.drain`: emptyDir data, timeout and progress callback. */
export interface DrainOptions {
  /** Evict pods that use emptyDir volumes; their emptyDir data is lost. @default false */
  readonly deleteEmptyDirData?: boolean;
  /**
   * Evict pods that no controller manages (nothing recreates them), as `kubectl drain --force` does;
   * without it the drain is refused before the node is cordoned. @default false
   */
  readonly force?: boolean;
  /** Give up after this many seconds. @default 300 */
  readonly timeoutSeconds?: number;
  /** Called after each round: pods left and what blocks them. */
  readonly onProgress?: (progress: DrainProgress) => void;
}

/** A pod by namespace and name. */
export interface PodReference {
  readonly namespace: string;
  readonly name: string;
}

/** A pod a drain left alone, with the reason (DaemonSet, mirror pod). */
export interface SkippedPod extends PodReference {
  readonly reason: 'DaemonSet' | 'MirrorPod';
}

/** The progress of a drain: pods left and the PodDisruptionBudget blocking, if any. */
export interface DrainProgress {
  readonly node: string;
  /** Pods still on the node that the drain removes. */
  readonly podsLeft: number;
  readonly pods: readonly RemainingPod[];
  readonly evicted: number;
}

/** What `NodeOperations.drain` did: evicted and skipped pods and the requests sent. */
export interface DrainResult extends NodeOperationResult {
  /** Pods whose eviction the API accepted (or, with dryRun, would be asked to evict). */
  readonly evicted: readonly PodReference[];
  /** Pods left on the node on purpose. */
  readonly skipped: readonly SkippedPod[];
  /** E.g. pods without a controller, which nothing recreates. */
  readonly warnings: readonly string[];
}

/** Control-plane nodes other than the deleted one that must be Ready (etcd quorum while it is replaced). */
export const MIN_OTHER_READY_CONTROL_PLANE_NODES = 2;

/** Options of `NodeOperations.delete`: replacement, confirmation for control-plane nodes. */
export interface DeleteOptions {
  /**
   * `true`: delete the Machine and let its MachineSet or KubeadmControlPlane create a new one.
   * `false` (workers of manually scaled groups only): remove the node for good, lowering the group by one.
   */
  readonly replace: boolean;
  /** Control-plane nodes: must equal the node's name. */
  readonly confirm?: string;
}

/** What `NodeOperations.delete` did (or, with dryRun, would do). */
export interface DeleteResult extends NodeOperationResult {
  /** The Cluster API version the Machine and its group were read and written at. */
  readonly apiVersion: CapiVersion;
  readonly machine: string;
  readonly role: 'control-plane' | 'worker';
  readonly replace: boolean;
  /** Without replacement: the group and its replicas before and after. */
  readonly replicas?: { readonly kind: 'MachineDeployment' | 'MachineSet'; readonly name: string; readonly from: number; readonly to: number };
  /** Control plane: the other control-plane nodes found Ready by the check. */
  readonly readyControlPlaneNodes?: readonly string[];
}

/** One condition of a Node, Machine or infrastructure machine, as `show` reports it. */
export interface ConditionReport {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

/** The group a node belongs to (MachineDeployment or KubeadmControlPlane), as `show` reports it. */
export interface GroupReport {
  readonly kind: 'KubeadmControlPlane' | 'MachineDeployment' | 'MachineSet';
  readonly name: string;
  readonly replicas?: number;
  readonly readyReplicas?: number;
  /** Autoscaler bounds (MachineDeployment / MachineSet); null when scaled manually. */
  readonly autoscaling?: AutoscalingBounds | null;
  /** Set when the object could not be read. */
  readonly error?: string;
}

/** A pod bound to the node. */
export interface PodReport {
  readonly namespace: string;
  readonly name: string;
  readonly phase?: string;
  /** Kind of the pod's controller (ReplicaSet, DaemonSet, ...); undefined for a pod no controller manages. */
  readonly ownerKind?: string;
}

/** One Kubernetes event of the Machine, the infrastructure machine or the Node. */
export interface EventReport {
  /** The object the event is about. */
  readonly object: { readonly kind: string; readonly name: string };
  /** Normal or Warning. */
  readonly type?: string;
  readonly reason?: string;
  readonly message?: string;
  /** How often the event occurred (the event's series count, else its count, else 1). */
  readonly count: number;
  /** When it last occurred (ISO 8601). */
  readonly lastSeen?: string;
  /** The component that reported it. */
  readonly source?: string;
}

/** One SR-IOV capable interface of the node, from the SR-IOV Network Operator's SriovNetworkNodeState. */
export interface SriovInterfaceReport {
  readonly name: string;
  readonly driver?: string;
  /** Virtual functions configured (`numVfs`). */
  readonly numVfs?: number;
  /** Virtual functions the device supports (`totalvfs`). */
  readonly totalVfs?: number;
  readonly pciAddress?: string;
}

/** The node's SR-IOV network interfaces, or `installed: false` when there is no SriovNetworkNodeState for it. */
export type NetworkInterfacesReport =
  | { readonly installed: false }
  | { readonly installed: true; readonly namespace: string; readonly interfaces: readonly SriovInterfaceReport[] };

/** The SR-IOV Network Operator's API: one SriovNetworkNodeState per node, named as the node. */
export const SRIOV_NODE_STATES = { group: 'sriovnetwork.openshift.io', version: 'v1', plural: 'sriovnetworknodestates' } as const;

/** Everything `NodeOperations.show` reports about a node. */
export interface NodeReport {
  readonly cluster: { readonly name: string; readonly namespace: string };
  /** The Cluster API version the Machine and its groups were read at. */
  readonly apiVersion: CapiVersion;
  readonly node: {
    readonly name: string;
    /** False when the Machine still refers to a Node that no longer exists. */
    readonly exists: boolean;
    readonly providerID?: string;
    readonly kubeletVersion?: string;
    readonly cordoned: boolean;
    readonly excludedFromAutoscaling: boolean;
    readonly conditions: readonly ConditionReport[];
    /** The Node's `status.capacity` (cpu, memory, pods, ...), once the node is up. */
    readonly capacity?: Readonly<Record<string, string>>;
    /** The Node's `status.allocatable`: what pods can be given. */
    readonly allocatable?: Readonly<Record<string, string>>;
  };
  /** The pods bound to the node, by namespace and name. */
  readonly pods: readonly PodReport[];
  /** The events of the Machine, the infrastructure machine and the Node, newest first. */
  readonly events: readonly EventReport[];
  /** The number of events: the sum of their counts. */
  readonly eventCount: number;
  /** SR-IOV network interfaces. */
  readonly networkInterfaces: NetworkInterfacesReport;
  readonly role: 'control-plane' | 'worker';
  readonly groups: readonly GroupReport[];
  readonly machine: {
    readonly name: string;
    readonly phase?: string;
    readonly providerID?: string;
    readonly version?: string;
    readonly deleting: boolean;
    /** Has `cluster.x-k8s.io/delete-machine`: deleted first on the next scale-down. */
    readonly markedForDeletion: boolean;
    readonly conditions: readonly ConditionReport[];
  };
  readonly infrastructureMachine?: {
    readonly apiVersion?: string;
    readonly kind: string;
    readonly name: string;
    /** v1beta1 contract `status.ready`, v1beta2 contract `status.initialization.provisioned`. */
    readonly ready?: boolean;
    readonly conditions?: readonly ConditionReport[];
    readonly error?: string;
  };
}

/** One node (or Machine without a node yet) of {@link NodeListReport}. */
export interface NodeListEntry {
  /** The Node's name; undefined while the Machine has no node. */
  readonly node?: string;
  readonly machine: string;
  /** The Machine's phase (Pending, Provisioning, Provisioned, Running, Deleting, ...). */
  readonly phase?: string;
  /** The Node's Ready condition status (True, False, Unknown); undefined without a Node. */
  readonly ready?: string;
  /** The seed's "Scheduling: Disabled": the Node is cordoned (or drained). */
  readonly schedulingDisabled: boolean;
  /** The seed's "Autoscaling: Forbidden": the Node is excluded from autoscaling. */
  readonly autoscalingForbidden: boolean;
  /** The infrastructure machine is provisioned; undefined when it could not be read. */
  readonly infrastructureReady?: boolean;
  readonly kubeletVersion?: string;
  readonly deleting: boolean;
  /** The Node's addresses (else the Machine's), only with `showIps`. */
  readonly addresses?: readonly { readonly type: string; readonly address: string }[];
}

/** One group: the KubeadmControlPlane, a MachineDeployment, a MachineSet without one, or a lone Machine. */
export interface NodeGroupListing {
  readonly kind: 'KubeadmControlPlane' | 'MachineDeployment' | 'MachineSet' | 'Machine';
  readonly name: string;
  readonly nodes: readonly NodeListEntry[];
}

/** What `NodeOperations.list` returns. */
export interface NodeListReport {
  readonly cluster: { readonly name: string; readonly namespace: string };
  readonly apiVersion: CapiVersion;
  /** The seed's Control Plane table. */
  readonly controlPlane: readonly NodeGroupListing[];
  /** The seed's Workers table: one entry per worker group. */
  readonly workers: readonly NodeGroupListing[];
  /** Infrastructure machine kinds that could not be listed, with the error. */
  readonly errors: readonly string[];
}

/** Options of `NodeOperations.list`. */
export interface NodeListOptions {
  /** Include the nodes' IP addresses. @default false */
  readonly showIps?: boolean;
}

/** What `label` and `annotate` change on one of a node's objects. */
export interface NodeMetadataChange {
  /** The object: the node's Machine, its infrastructure machine or the Node itself. */
  readonly on: NodeMetadataTarget;
  /** Keys to set, with their values. */
  readonly set?: Readonly<Record<string, string>>;
  /** Keys to remove (absent keys are left as they are). */
  readonly remove?: readonly string[];
}

/** The result of `label` and `annotate`. */
export interface NodeMetadataResult extends NodeOperationResult {
  /** The object changed. */
  readonly object: { readonly kind: string; readonly name: string; readonly apiVersion: string };
  /** The keys actually set or removed (those already as asked are left out). */
  readonly set: Readonly<Record<string, string>>;
  readonly removed: readonly string[];
  /** What else happens because of the change, e.g. that Cluster API copies a Machine label to the Node. */
  readonly notes: readonly string[];
}

/**
 * How often a patch is tried when other writers change the object in between; between attempts the
 * operation waits a random 0 to 100 ms times the attempt number, so that racing writers spread out.
 */
export const METADATA_ATTEMPTS = 10;
