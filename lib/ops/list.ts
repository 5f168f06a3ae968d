/**
 * List: the seed's "Control Plane" and "Workers" tables. Every group of the cluster with its nodes,
 * their Ready state, Scheduling (Disabled when cordoned) and Autoscaling (Forbidden when excluded), the
 * infrastructure machine's readiness and, when asked, the node's IP addresses.
 *
 * One list call per kind: the cluster's Machines, each kind of infrastructure machine they refer to
 * (in the cluster's namespace) and the workload cluster's Nodes, never one call per node. Read-only.
 */
import { V1Node } from '@kubernetes/client-node';
import { describeApiError } from './api-errors';
import { CapiCondition, Machine } from './capi-objects';
import { OperationContext } from './context';
import { isCordoned } from './cordon';
import { isExcludedFromAutoscaling } from './autoscaling-exclusion';
import { isDeleting, listMachines, nodeGroup } from './node-lookup';
import { NodeGroupListing, NodeListEntry, NodeListOptions, NodeListReport } from './types';

type Addresses = { type: string; address: string }[];
type MachineWithAddresses = Machine & { status?: { addresses?: Addresses } };
type InfraMachine = { metadata?: { name?: string }; status?: { ready?: boolean; initialization?: { provisioned?: boolean }; conditions?: CapiCondition[] } };

export async function listNodes(ctx: OperationContext, options: NodeListOptions = {}): Promise<NodeListReport> {
  const { access } = ctx;
  const { name: clusterName, namespace } = access.cluster;
  const apiVersion = await access.capiVersion('list', clusterName);
  const [machines, nodes] = await Promise.all([
    listMachines(access, apiVersion) as Promise<MachineWithAddresses[]>,
    access.workload('list', clusterName).then(({ core }) => core.listNode()).then((l) => l.items),
  ]);
  const errors: string[] = [];
  const infra = await listInfrastructureMachines(ctx, machines, errors);
  const byName = new Map(nodes.map((n) => [n.metadata?.name ?? '', n]));
  const byProvider = new Map(nodes.filter((n) => n.spec?.providerID).map((n) => [n.spec!.providerID!, n]));
  const groups = new Map<string, { kind: NodeGroupListing['kind']; name: string; role: 'control-plane' | 'worker'; nodes: NodeListEntry[] }>();
  for (const m of machines) {
    const g = nodeGroup(m);
    const [kind, name]: [NodeGroupListing['kind'], string] = g.role === 'control-plane' ? ['KubeadmControlPlane', g.controlPlane ?? m.metadata.name]
      : g.machineDeployment ? ['MachineDeployment', g.machineDeployment] : g.machineSet ? ['MachineSet', g.machineSet] : ['Machine', m.metadata.name];
    const key = `${kind}/${name}`;
    if (!groups.has(key)) groups.set(key, { kind, name, role: g.role, nodes: [] });
    const node: V1Node | undefined = (m.status?.nodeRef?.name ? byName.get(m.status.nodeRef.name) : undefined) ?? (m.spec?.providerID ? byProvider.get(m.spec.providerID) : undefined);
    const ref = m.spec?.infrastructureRef;
    const infraObject = ref ? infra.get(`${ref.kind}/${ref.name}`) : undefined;
    const infraReady = infraObject?.status?.ready ?? infraObject?.status?.initialization?.provisioned;
    const addresses = (node?.status?.addresses ?? m.status?.addresses ?? []).map((a) => ({ type: a.type, address: a.address }));
    groups.get(key)!.nodes.push({
      ...(node?.metadata?.name ? { node: node.metadata.name } : m.status?.nodeRef?.name ? { node: m.status.nodeRef.name } : {}),
      machine: m.metadata.name,
      ...(m.status?.phase ? { phase: m.status.phase } : {}),
      ...(node ? { ready: node.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown' } : {}),
      schedulingDisabled: node ? isCordoned(node) : false,
      autoscalingForbidden: node ? isExcludedFromAutoscaling(node) : false,
      ...(infraObject ? { infrastructureReady: infraReady === true } : {}),
      ...(node?.status?.nodeInfo?.kubeletVersion ? { kubeletVersion: node.status.nodeInfo.kubeletVersion } : {}),
      deleting: isDeleting(m),
      ...(options.showIps ? { addresses } : {}),
    });
  }
  const sorted = [...groups.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const g of sorted) g.nodes.sort((a, b) => (a.node ?? a.machine).localeCompare(b.node ?? b.machine));
  const listing = (role: string) => sorted.filter((g) => g.role === role).map(({ kind, name, nodes: n }) => ({ kind, name, nodes: n }));
  return { cluster: { name: clusterName, namespace }, apiVersion, controlPlane: listing('control-plane'), workers: listing('worker'), errors };
}

/** One list call per kind of infrastructure machine the Machines refer to; keyed `Kind/name`. */
async function listInfrastructureMachines(ctx: OperationContext, machines: readonly Machine[], errors: string[]): Promise<Map<string, InfraMachine>> {
  const { access } = ctx;
  const kinds = new Map<string, { group: string; kind: string; version?: string }>();
  for (const m of machines) {
    const ref = m.spec?.infrastructureRef;
    const group = ref?.apiGroup ?? ref?.apiVersion?.split('/')[0];
    if (!ref || !group) continue;
    kinds.set(`${group}/${ref.kind}`, { group, kind: ref.kind, version: ref.apiVersion?.includes('/') ? ref.apiVersion.split('/')[1] : undefined });
  }
  const out = new Map<string, InfraMachine>();
  await Promise.all([...kinds.values()].map(async ({ group, kind, version }) => {
    try {
      const served = await access.servedResource(group, kind);
      if (!served) {
        errors.push(`${kind} is not served by the management cluster in API group ${group}`);
        return;
      }
      const list = await access.custom.listNamespacedCustomObject({ group, version: version ?? served.version, namespace: access.cluster.namespace, plural: served.plural }) as { items: InfraMachine[] };
      for (const o of list.items) out.set(`${kind}/${o.metadata?.name}`, o);
    } catch (e) {
      errors.push(`${kind}: ${describeApiError(e)}`);
    }
  }));
  return out;
}
