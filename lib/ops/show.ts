/**
 * Show: the seed's node page minus the UI. A node's groups (KubeadmControlPlane, or MachineDeployment
 * and MachineSet with their replicas and autoscaler bounds), its Machine and infrastructure machine
 * state, its conditions, and its cordon and autoscaling-exclusion flags. Read-only.
 *
 * The Machine and its groups are read at the Cluster API version of {@link ClusterAccess}; the result
 * names it. Conditions are reported as that version has them (`status.conditions`). An object that
 * cannot be read (the infrastructure machine's provider API, a deleted group) is reported with the
 * error instead of failing the whole report.
 */
import { KubernetesObject } from '@kubernetes/client-node';
import { ANNOTATION_DELETE_MACHINE, CapiVersion } from '../core/output/api-versions';
import { describeApiError, isNotFound } from './api-errors';
import { CapiCondition, CapiObjectReference, KUBEADM_CONTROL_PLANES, KubeadmControlPlane, MACHINE_DEPLOYMENTS, MACHINE_SETS, objectParams, ScalableGroup } from './capi-objects';
import { ClusterAccess } from './cluster-access';
import { OperationContext } from './context';
import { isCordoned } from './cordon';
import { isExcludedFromAutoscaling } from './autoscaling-exclusion';
import { AutoscalingBounds, autoscalingBounds, findMachine, isDeleting } from './node-lookup';

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
  };
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

function conditions(list: readonly CapiCondition[] | undefined): ConditionReport[] {
  return (list ?? []).map((c) => ({
    type: c.type, status: c.status,
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
    ...(c.lastTransitionTime ? { lastTransitionTime: String(c.lastTransitionTime) } : {}),
  }));
}

export async function showNode(ctx: OperationContext, name: string): Promise<NodeReport> {
  const { access } = ctx;
  const found = await findMachine(access, 'show', name);
  const { node, machine, group, apiVersion } = found;
  const groups: GroupReport[] = [];
  if (group.role === 'control-plane' && group.controlPlane) {
    groups.push(await readGroup(access, 'KubeadmControlPlane', group.controlPlane, await access.controlPlaneVersion('show', name)));
  }
  if (group.machineDeployment) groups.push(await readGroup(access, 'MachineDeployment', group.machineDeployment, apiVersion));
  if (group.machineSet) groups.push(await readGroup(access, 'MachineSet', group.machineSet, apiVersion));
  const infraRef = machine.spec?.infrastructureRef;
  return {
    cluster: { ...access.cluster },
    apiVersion,
    node: {
      name,
      exists: node !== undefined,
      ...(node?.spec?.providerID ? { providerID: node.spec.providerID } : {}),
      ...(node?.status?.nodeInfo?.kubeletVersion ? { kubeletVersion: node.status.nodeInfo.kubeletVersion } : {}),
      cordoned: node ? isCordoned(node) : false,
      excludedFromAutoscaling: node ? isExcludedFromAutoscaling(node) : false,
      conditions: (node?.status?.conditions ?? []).map((c) => ({
        type: c.type, status: c.status,
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.message ? { message: c.message } : {}),
        ...(c.lastTransitionTime ? { lastTransitionTime: new Date(c.lastTransitionTime).toISOString() } : {}),
      })),
    },
    role: group.role,
    groups,
    machine: {
      name: machine.metadata.name,
      ...(machine.status?.phase ? { phase: machine.status.phase } : {}),
      ...(machine.spec?.providerID ? { providerID: machine.spec.providerID } : {}),
      ...(machine.spec?.version ? { version: machine.spec.version } : {}),
      deleting: isDeleting(machine),
      markedForDeletion: machine.metadata.annotations?.[ANNOTATION_DELETE_MACHINE] !== undefined,
      conditions: conditions(machine.status?.conditions),
    },
    ...(infraRef ? { infrastructureMachine: await readInfrastructureMachine(access, infraRef) } : {}),
  };
}

async function readGroup(access: ClusterAccess, kind: GroupReport['kind'], name: string, version: CapiVersion): Promise<GroupReport> {
  const resource = kind === 'KubeadmControlPlane' ? KUBEADM_CONTROL_PLANES : kind === 'MachineDeployment' ? MACHINE_DEPLOYMENTS : MACHINE_SETS;
  try {
    const o = await access.custom.getNamespacedCustomObject({ ...objectParams(resource, version, access.cluster.namespace), name }) as ScalableGroup | KubeadmControlPlane;
    return {
      kind, name,
      ...(o.spec?.replicas !== undefined ? { replicas: o.spec.replicas } : {}),
      ...(o.status?.readyReplicas !== undefined ? { readyReplicas: o.status.readyReplicas } : {}),
      ...(kind === 'KubeadmControlPlane' ? {} : { autoscaling: autoscalingBounds(o) ?? null }),
    };
  } catch (e) {
    return { kind, name, error: isNotFound(e) ? 'not found' : describeApiError(e) };
  }
}

type InfraMachine = KubernetesObject & { status?: { ready?: boolean; initialization?: { provisioned?: boolean }; conditions?: CapiCondition[] } };

async function readInfrastructureMachine(access: ClusterAccess, ref: CapiObjectReference): Promise<NonNullable<NodeReport['infrastructureMachine']>> {
  const base = { kind: ref.kind, name: ref.name };
  let apiVersion = ref.apiVersion;
  try {
    if (!apiVersion && ref.apiGroup) {
      const version = await access.servedVersion(ref.apiGroup, ref.kind);
      if (!version) return { ...base, error: `${ref.kind} is not served by the management cluster in API group ${ref.apiGroup}` };
      apiVersion = `${ref.apiGroup}/${version}`;
    }
    if (!apiVersion) return { ...base, error: 'infrastructureRef names no apiGroup or apiVersion' };
    const o = await access.objects.read<InfraMachine>({ apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: access.cluster.namespace } });
    const ready = o.status?.ready ?? o.status?.initialization?.provisioned;
    return { apiVersion, ...base, ...(ready !== undefined ? { ready } : {}), conditions: conditions(o.status?.conditions) };
  } catch (e) {
    return { ...(apiVersion ? { apiVersion } : {}), ...base, error: isNotFound(e) ? 'not found' : describeApiError(e) };
  }
}
