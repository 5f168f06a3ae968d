/**
 * From a workload-cluster Node to its Cluster API objects on the management cluster:
 * Node → Machine (by `status.nodeRef.name`, else by `spec.providerID`) → its group, read from the
 * Machine's standard labels (`cluster.x-k8s.io/set-name`, `deployment-name`, `control-plane`,
 * `control-plane-name`) with owner references as a fallback → the group's scaling (replicas and
 * the cluster-autoscaler's min/max annotations).
 */
import { V1Node } from '@kubernetes/client-node';
import {
  ANNOTATION_AUTOSCALER_MAX, ANNOTATION_AUTOSCALER_MIN, CapiVersion, LABEL_CLUSTER_NAME, LABEL_CONTROL_PLANE,
  LABEL_CONTROL_PLANE_NAME, LABEL_DEPLOYMENT_NAME, LABEL_SET_NAME,
} from '../core/output/api-versions';
import { isNotFound } from './api-errors';
import { CapiList, Machine, MACHINE_DEPLOYMENTS, MACHINE_SETS, MACHINES, objectParams, ScalableGroup } from './capi-objects';
import { ClusterAccess } from './cluster-access';
import { NodeOperationNotFound } from './errors';
import type { NodeAction } from './requests';
import { AutoscalingBounds, NodeGroup } from './types';

/** A Node and its Machine. */
export interface NodeMachine {
  /** The Cluster API version the Machine was read at. */
  readonly apiVersion: CapiVersion;
  /** The Node, or undefined when the Machine's node no longer exists. */
  readonly node?: V1Node;
  readonly machine: Machine;
  readonly group: NodeGroup;
}

/** The object whose `spec.replicas` sets a worker group's size: its MachineDeployment, else its MachineSet. */
export interface ScalableGroupObject {
  readonly kind: 'MachineDeployment' | 'MachineSet';
  readonly object: ScalableGroup;
  /** Undefined when the group is scaled by hand. */
  readonly autoscaling?: AutoscalingBounds;
}

/** Reads a workload-cluster Node; a missing Node is a {@link NodeOperationNotFound}. */
export async function readNode(access: ClusterAccess, action: NodeAction, name: string): Promise<V1Node> {
  const node = await readNodeIfExists(access, action, name);
  if (!node) throw new NodeOperationNotFound(action, name, 'NodeNotFound', `node ${name} not found in cluster ${access.cluster.namespace}/${access.cluster.name}`);
  return node;
}

export async function readNodeIfExists(access: ClusterAccess, action: NodeAction, name: string): Promise<V1Node | undefined> {
  const { core } = await access.workload(action, name);
  try {
    return await core.readNode({ name });
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Lists the cluster's Machines (label `cluster.x-k8s.io/cluster-name`, checked again on each item). */
export async function listMachines(access: ClusterAccess, version: CapiVersion, extraSelector?: string): Promise<Machine[]> {
  const { name, namespace } = access.cluster;
  const labelSelector = [`${LABEL_CLUSTER_NAME}=${name}`, ...(extraSelector ? [extraSelector] : [])].join(',');
  const list = await access.custom.listNamespacedCustomObject({ ...objectParams(MACHINES, version, namespace), labelSelector }) as CapiList<Machine>;
  return list.items.filter((m) => m.metadata.labels?.[LABEL_CLUSTER_NAME] === name);
}

/**
 * Finds the Node's Machine. The Node may be missing (a Machine whose node is gone still has a nodeRef);
 * then only the nodeRef can match.
 */
export async function findMachine(access: ClusterAccess, action: NodeAction, nodeName: string): Promise<NodeMachine> {
  const [apiVersion, node] = await Promise.all([access.capiVersion(action, nodeName), readNodeIfExists(access, action, nodeName)]);
  const machines = await listMachines(access, apiVersion);
  const providerID = node?.spec?.providerID;
  const machine = machines.find((m) => m.status?.nodeRef?.name === nodeName)
    ?? (providerID ? machines.find((m) => m.spec?.providerID === providerID) : undefined);
  if (!machine) {
    const { namespace, name } = access.cluster;
    throw node
      ? new NodeOperationNotFound(action, nodeName, 'MachineNotFound', `node ${nodeName} has no Machine of cluster ${namespace}/${name} (no Machine has status.nodeRef.name ${nodeName}${providerID ? ` or spec.providerID ${providerID}` : ''}): it is not managed by Cluster API`)
      : new NodeOperationNotFound(action, nodeName, 'NodeNotFound', `node ${nodeName} not found in cluster ${namespace}/${name}, and no Machine refers to it`);
  }
  return { apiVersion, node, machine, group: nodeGroup(machine) };
}

/** The group of a Machine, from its labels, else its controller owner reference. */
export function nodeGroup(machine: Machine): NodeGroup {
  const labels = machine.metadata.labels ?? {};
  const owner = (kind: string) => machine.metadata.ownerReferences?.find((o) => o.kind === kind)?.name;
  if (LABEL_CONTROL_PLANE in labels || owner('KubeadmControlPlane')) {
    return { role: 'control-plane', controlPlane: owner('KubeadmControlPlane') ?? labels[LABEL_CONTROL_PLANE_NAME] };
  }
  return { role: 'worker', machineSet: labels[LABEL_SET_NAME] ?? owner('MachineSet'), machineDeployment: labels[LABEL_DEPLOYMENT_NAME] };
}

/** The group's autoscaler bounds, or undefined when it is scaled by hand (both annotations are needed). */
export function autoscalingBounds(group: ScalableGroup): AutoscalingBounds | undefined {
  const a = group.metadata.annotations ?? {};
  const min = a[ANNOTATION_AUTOSCALER_MIN];
  const max = a[ANNOTATION_AUTOSCALER_MAX];
  if (min === undefined || max === undefined) return undefined;
  return { min: Number(min), max: Number(max) };
}

/** Reads the object that sizes a worker group (MachineDeployment, else MachineSet); undefined for control-plane Machines and standalone ones. */
export async function readScalableGroup(access: ClusterAccess, version: CapiVersion, group: NodeGroup): Promise<ScalableGroupObject | undefined> {
  const kind = group.machineDeployment ? 'MachineDeployment' : group.machineSet ? 'MachineSet' : undefined;
  if (!kind) return undefined;
  const resource = kind === 'MachineDeployment' ? MACHINE_DEPLOYMENTS : MACHINE_SETS;
  const name = (group.machineDeployment ?? group.machineSet)!;
  try {
    const object = await access.custom.getNamespacedCustomObject({ ...objectParams(resource, version, access.cluster.namespace), name }) as ScalableGroup;
    return { kind, object, autoscaling: autoscalingBounds(object) };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Whether an object is being deleted. */
export function isDeleting(o: { readonly metadata?: { readonly deletionTimestamp?: unknown } }): boolean {
  return o.metadata?.deletionTimestamp !== undefined && o.metadata.deletionTimestamp !== null;
}
