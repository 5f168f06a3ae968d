/**
 * Show: the seed's node page minus the UI. A node's groups (KubeadmControlPlane, or MachineDeployment
 * and MachineSet with their replicas and autoscaler bounds), its Machine and infrastructure machine
 * state, its conditions, its cordon and autoscaling-exclusion flags, the Node's capacity and
 * allocatable resources, its pods (one list by `spec.nodeName`), the events of the Machine, the
 * infrastructure machine and the Node (newest first, with their counts), and its SR-IOV network
 * interfaces when the SR-IOV Network Operator reports them. Read-only.
 *
 * The Machine and its groups are read at the Cluster API version of {@link ClusterAccess}; the result
 * names it. Conditions are reported as that version has them (`status.conditions`). An object that
 * cannot be read (the infrastructure machine's provider API, a deleted group) is reported with the
 * error instead of failing the whole report.
 */
import { CoreV1EventList, CustomObjectsApi, KubernetesObject } from '@kubernetes/client-node';
import { ANNOTATION_DELETE_MACHINE, CapiVersion } from '../core/output/api-versions';
import { describeApiError, isNotFound } from './api-errors';
import { CapiCondition, CapiObjectReference, KUBEADM_CONTROL_PLANES, KubeadmControlPlane, MACHINE_DEPLOYMENTS, MACHINE_SETS, objectParams, ScalableGroup } from './capi-objects';
import { ClusterAccess } from './cluster-access';
import { OperationContext } from './context';
import { isCordoned } from './cordon';
import { isExcludedFromAutoscaling } from './autoscaling-exclusion';
import { autoscalingBounds, findMachine, isDeleting } from './node-lookup';
import { ConditionReport, EventReport, GroupReport, NetworkInterfacesReport, NodeReport, PodReport, SRIOV_NODE_STATES } from './types';

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
  const { core, custom } = await access.workload('show', name);
  const [pods, events, networkInterfaces] = await Promise.all([
    core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}` }).then((l) => l.items.map((p): PodReport => {
      const owner = p.metadata?.ownerReferences?.find((o) => o.controller);
      return { namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '', ...(p.status?.phase ? { phase: p.status.phase } : {}), ...(owner ? { ownerKind: owner.kind } : {}) };
    }).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))),
    Promise.all([
      access.core.listNamespacedEvent({ namespace: access.cluster.namespace, fieldSelector: involved('Machine', machine.metadata.name) }),
      ...(infraRef ? [access.core.listNamespacedEvent({ namespace: access.cluster.namespace, fieldSelector: involved(infraRef.kind, infraRef.name) })] : []),
      core.listEventForAllNamespaces({ fieldSelector: involved('Node', name) }),
    ]).then((lists) => newestFirst(lists)),
    sriovInterfaces(custom, name),
  ]);
  const capacity = node?.status?.capacity;
  const allocatable = node?.status?.allocatable;
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
      ...(capacity && Object.keys(capacity).length ? { capacity: { ...capacity } } : {}),
      ...(allocatable && Object.keys(allocatable).length ? { allocatable: { ...allocatable } } : {}),
    },
    pods,
    events,
    eventCount: events.reduce((n, e) => n + e.count, 0),
    networkInterfaces,
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

function involved(kind: string, name: string): string {
  return `involvedObject.kind=${kind},involvedObject.name=${name}`;
}

function iso(t: unknown): string | undefined {
  if (t === undefined || t === null || t === '') return undefined;
  const d = new Date(t as string);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function newestFirst(lists: readonly CoreV1EventList[]): EventReport[] {
  const events = lists.flatMap((l) => l.items).map((e): EventReport => {
    const lastSeen = iso(e.series?.lastObservedTime) ?? iso(e.lastTimestamp) ?? iso(e.eventTime) ?? iso(e.metadata?.creationTimestamp);
    const source = e.reportingComponent || e.source?.component;
    return {
      object: { kind: e.involvedObject.kind ?? '', name: e.involvedObject.name ?? '' },
      ...(e.type ? { type: e.type } : {}),
      ...(e.reason ? { reason: e.reason } : {}),
      ...(e.message ? { message: e.message } : {}),
      count: e.series?.count ?? e.count ?? 1,
      ...(lastSeen ? { lastSeen } : {}),
      ...(source ? { source } : {}),
    };
  });
  return events.sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''));
}

type SriovNodeState = { metadata?: { namespace?: string }; status?: { interfaces?: { name?: string; driver?: string; numVfs?: number; totalvfs?: number; pciAddress?: string }[] } };

/** The node's SriovNetworkNodeState (any namespace: the operator's); `installed: false` when the API or the object is absent. */
async function sriovInterfaces(custom: CustomObjectsApi, name: string): Promise<NetworkInterfacesReport> {
  let list: { items: SriovNodeState[] };
  try {
    list = await custom.listClusterCustomObject({ ...SRIOV_NODE_STATES, fieldSelector: `metadata.name=${name}` }) as { items: SriovNodeState[] };
  } catch (e) {
    if (isNotFound(e)) return { installed: false };
    throw e;
  }
  const state = list.items[0];
  if (!state) return { installed: false };
  return {
    installed: true,
    namespace: state.metadata?.namespace ?? '',
    interfaces: (state.status?.interfaces ?? []).map((i) => ({
      name: i.name ?? '',
      ...(i.driver ? { driver: i.driver } : {}),
      ...(i.numVfs !== undefined ? { numVfs: i.numVfs } : {}),
      ...(i.totalvfs !== undefined ? { totalVfs: i.totalvfs } : {}),
      ...(i.pciAddress ? { pciAddress: i.pciAddress } : {}),
    })),
  };
}
