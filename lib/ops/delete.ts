/**
 * Deleting a node, the seed's "Удаление узла":
 *
 * - worker, with replacement: delete its Machine; its MachineSet creates a new one.
 * - worker, without replacement: annotate the Machine `cluster.x-k8s.io/delete-machine` (so the
 *   MachineSet deletes this Machine first), then lower the MachineDeployment's (else MachineSet's)
 *   `spec.replicas` by one, guarded by `metadata.resourceVersion` and retried on 409 Conflict. Refused
 *   for autoscaled groups: the size belongs to the cluster-autoscaler there.
 * - control plane: only with replacement, only after typing the node's name (`confirm`), and only if
 *   at least two OTHER control-plane nodes are Ready at request time, so etcd keeps quorum while the
 *   KubeadmControlPlane replaces the Machine. The check reads Machines and Nodes first; the delete is a
 *   separate request, sent only when the check passed, with a uid precondition so it deletes exactly
 *   the Machine that was checked. Check and delete run under the cluster's control-plane deletion Lease
 *   (coordination.k8s.io/v1), re-read after it is acquired, so two operators deleting control-plane
 *   nodes at once cannot both pass the check. Right before the delete the Lease is renewed once more: a
 *   process that stalled past the Lease's duration (and may have been overtaken) deletes nothing. A
 *   Lease left by a killed process is taken over once it has expired, and the result says whose it was.
 *
 * Idempotent: a Machine already being deleted is left alone; an annotated Machine whose group was
 * already lowered (fewer replicas than live Machines) is not lowered again.
 */
import { PatchStrategy, setHeaderOptions, V1Node } from '@kubernetes/client-node';
import { ANNOTATION_DELETE_MACHINE, CapiVersion, LABEL_CONTROL_PLANE, LABEL_DEPLOYMENT_NAME, LABEL_SET_NAME } from '../core/output/api-versions';
import { controlPlaneDeletionLeaseName } from '../core/output/naming';
import { isConflict } from './api-errors';
import { HeldLease, LeaseHeldError, processIdentity, withLease } from './lease';
import { MACHINE_DEPLOYMENTS, MACHINE_SETS, MACHINES, objectParams } from './capi-objects';
import { OperationContext, resultOf } from './context';
import { NodeOperationRefused } from './errors';
import { autoscalingBounds, findMachine, isDeleting, listMachines, NodeMachine, readScalableGroup, ScalableGroupObject } from './node-lookup';
import { customObjectPath, RequestLog } from './requests';
import { DeleteOptions, DeleteResult, MIN_OTHER_READY_CONTROL_PLANE_NODES } from './types';

/** How long a control-plane deletion waits for another one of the same cluster (its Lease) before it is refused. */
export const CONTROL_PLANE_LEASE_WAIT_MS = 30000;

/** Attempts at lowering replicas when the group changes under us (409 Conflict). */
export const REPLICAS_CONFLICT_ATTEMPTS = 5;

/** Value written to `cluster.x-k8s.io/delete-machine` (Cluster API reads only the key). */
export const DELETE_MACHINE_VALUE = 'true';

export async function deleteNode(ctx: OperationContext, name: string, options: DeleteOptions): Promise<DeleteResult> {
  const refuse = (reason: ConstructorParameters<typeof NodeOperationRefused>[2], message: string) => new NodeOperationRefused('delete', name, reason, message);
  const found = await findMachine(ctx.access, 'delete', name);
  const { machine, group, apiVersion } = found;
  const log = new RequestLog(ctx.dryRun);
  const machineName = machine.metadata.name;
  const done = (summary: string, extra: Partial<DeleteResult> = {}): DeleteResult => ({
    ...resultOf(ctx, 'delete', name, log, summary), apiVersion, machine: machineName, role: group.role, replace: options.replace, ...extra,
  });

  if (group.role === 'control-plane') {
    if (!options.replace) throw refuse('ControlPlaneRequiresReplacement', `${name} is a control-plane node (Machine ${machineName}): it can only be deleted with replacement, so that the control plane keeps its size and etcd its quorum`);
    if (options.confirm !== name) throw refuse('ConfirmationMismatch', `deleting a control-plane node needs its name as confirmation: confirm (--confirm) is ${options.confirm === undefined ? 'missing' : JSON.stringify(options.confirm)}, expected ${JSON.stringify(name)}`);
    if (isDeleting(machine)) return done(`Machine ${machineName} of node ${name} is already being deleted`);
    if (!group.controlPlane) throw refuse('NoReplacementOwner', `Machine ${machineName} belongs to no KubeadmControlPlane: nothing would replace it`);
    const { namespace, name: clusterName } = ctx.access.cluster;
    const leaseName = controlPlaneDeletionLeaseName(clusterName);
    // `note`: what the user should know about the Lease (one taken over from a killed process)
    const checkQuorum = async (checked: NodeMachine, note = '') => {
      const ready = await otherReadyControlPlaneNodes(ctx, checked, name);
      if (ready.ready.length < MIN_OTHER_READY_CONTROL_PLANE_NODES) {
        throw refuse('ControlPlaneQuorumAtRisk', `only ${ready.ready.length} other control-plane node${ready.ready.length === 1 ? ' is' : 's are'} Ready${ready.ready.length ? ` (${ready.ready.join(', ')})` : ''}${ready.notReady.length ? `; not Ready: ${ready.notReady.join(', ')}` : ''}; deleting ${name} needs at least ${MIN_OTHER_READY_CONTROL_PLANE_NODES} so that etcd keeps quorum while it is replaced${note}`);
      }
      return ready;
    };
    const quorumGuarded = async (checked: NodeMachine, lease?: HeldLease): Promise<DeleteResult> => {
      const note = lease?.takenOver ? takenOverNote(namespace, leaseName, lease.takenOver) : '';
      if (isDeleting(checked.machine)) return done(`Machine ${machineName} of node ${name} is already being deleted${note}`);
      const ready = await checkQuorum(checked, note);
      // the check is only as good as the Lease: renew it now, and delete only while still holding it
      if (lease && !(await lease.confirm())) {
        throw refuse('OperationInProgress', `the control-plane deletion Lease ${namespace}/${leaseName} was lost before the delete (this process did not renew it within its duration, and another process took it over): nothing was deleted; run the command again`);
      }
      await deleteMachine(ctx, log, checked);
      return done(`deleted Machine ${checked.machine.metadata.name} of control-plane node ${name}; KubeadmControlPlane ${group.controlPlane} replaces it${note}`, { readyControlPlaneNodes: ready.ready });
    };
    // A dry run writes nothing, so it takes no Lease. Otherwise the check runs first without the Lease
    // (a refusal writes nothing, not even the Lease), and again under it.
    if (ctx.dryRun) return quorumGuarded(found);
    await checkQuorum(found);
    // One control-plane deletion per cluster at a time, across processes: under the cluster's Lease the
    // Machine and the quorum are read again (another operator may have deleted a control-plane Machine
    // while this one waited), and the delete is sent only if the check still passes.
    try {
      return await withLease(ctx.access.leases, namespace, leaseName, { clock: ctx.clock, waitMs: CONTROL_PLANE_LEASE_WAIT_MS, identity: processIdentity() }, async (lease) => quorumGuarded(await findMachine(ctx.access, 'delete', name), lease));
    } catch (e) {
      if (e instanceof LeaseHeldError) throw refuse('OperationInProgress', `another control-plane deletion of cluster ${namespace}/${clusterName} is in progress (Lease ${namespace}/${leaseName} is held by ${e.holder}): retry when it has finished`);
      throw e;
    }
  }

  if (options.replace) {
    if (isDeleting(machine)) return done(`Machine ${machineName} of node ${name} is already being deleted`);
    if (!group.machineSet) throw refuse('NoReplacementOwner', `Machine ${machineName} belongs to no MachineSet: nothing would replace it`);
    await deleteMachine(ctx, log, found);
    return done(`deleted Machine ${machineName} of node ${name}; MachineSet ${group.machineSet} creates a replacement`);
  }

  let scalable = await readScalableGroup(ctx.access, apiVersion, group);
  if (!scalable) throw refuse('NoScalableGroup', `Machine ${machineName} belongs to no MachineDeployment or MachineSet whose replicas could be lowered`);
  if (scalable.autoscaling) throw refuse('AutoscaledGroup', autoscaledMessage(name, scalable));
  if (isDeleting(machine)) return done(`Machine ${machineName} of node ${name} is already being deleted`);

  const annotated = machine.metadata.annotations?.[ANNOTATION_DELETE_MACHINE] !== undefined;
  if (annotated && await alreadyLowered(ctx, apiVersion, scalable)) {
    return done(`Machine ${machineName} of node ${name} is already marked for deletion and ${scalable.kind} ${scalable.object.metadata.name} already lowered`);
  }
  const from = scalable.object.spec?.replicas;
  if (from === undefined || from < 1) throw refuse('NoReplicasToRemove', `${scalable.kind} ${scalable.object.metadata.name} has spec.replicas ${from ?? 'unset'}: there is no replica to remove`);

  if (!annotated) {
    const body = { metadata: { annotations: { [ANNOTATION_DELETE_MACHINE]: DELETE_MACHINE_VALUE } } };
    const params = { ...objectParams(MACHINES, apiVersion, ctx.access.cluster.namespace), name: machineName, body };
    await log.send(
      { cluster: 'management', method: 'PATCH', path: customObjectPath(MACHINES.group, apiVersion, ctx.access.cluster.namespace, MACHINES.plural, machineName), contentType: PatchStrategy.MergePatch, body },
      () => ctx.access.custom.patchNamespacedCustomObject(params, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
    );
  }

  // Lower replicas by one against the version read; on 409 re-read and try again.
  for (let attempt = 1; ; attempt++) {
    const current = scalable.object.spec?.replicas ?? 0;
    if (current < 1) throw refuse('NoReplicasToRemove', `${scalable.kind} ${scalable.object.metadata.name} has spec.replicas ${current}: there is no replica to remove`);
    try {
      await patchReplicas(ctx, log, apiVersion, scalable, current - 1);
      return done(`marked Machine ${machineName} of node ${name} for deletion and lowered ${scalable.kind} ${scalable.object.metadata.name} from ${current} to ${current - 1} replicas`,
        { replicas: { kind: scalable.kind, name: scalable.object.metadata.name, from: current, to: current - 1 } });
    } catch (e) {
      if (!isConflict(e) || attempt >= REPLICAS_CONFLICT_ATTEMPTS) throw e;
      const fresh = await readScalableGroup(ctx.access, apiVersion, group);
      if (!fresh) throw e;
      if (fresh.autoscaling) throw refuse('AutoscaledGroup', `${autoscaledMessage(name, fresh)} (it became autoscaled while the node was being deleted; Machine ${machineName} keeps its ${ANNOTATION_DELETE_MACHINE} annotation, which only orders the next scale-down)`);
      scalable = fresh;
    }
  }
}

/** Said when the Lease was taken over from a holder that never released it (killed, or cut off from the API). */
function takenOverNote(namespace: string, leaseName: string, t: NonNullable<HeldLease['takenOver']>): string {
  return ` (took over the cluster's control-plane deletion Lease ${namespace}/${leaseName} from ${t.holder}, which had stopped renewing it${t.renewTime ? ` at ${t.renewTime}` : ''}${t.durationSeconds !== undefined ? ` and expired after ${t.durationSeconds} s` : ' and expired'})`;
}

function autoscaledMessage(node: string, g: ScalableGroupObject): string {
  const b = g.autoscaling ?? autoscalingBounds(g.object)!;
  return `node ${node} belongs to ${g.kind} ${g.object.metadata.name}, which the cluster-autoscaler sizes (min ${b.min}, max ${b.max}): deleting without replacement is allowed only for manually scaled groups; delete it with replacement, or let the autoscaler remove it`;
}

async function deleteMachine(ctx: OperationContext, log: RequestLog, found: NodeMachine): Promise<void> {
  const { namespace } = ctx.access.cluster;
  const name = found.machine.metadata.name;
  const body = { preconditions: { uid: found.machine.metadata.uid } };
  await log.send(
    { cluster: 'management', method: 'DELETE', path: customObjectPath(MACHINES.group, found.apiVersion, namespace, MACHINES.plural, name), body },
    () => ctx.access.custom.deleteNamespacedCustomObject({ ...objectParams(MACHINES, found.apiVersion, namespace), name, body }),
  );
}

async function patchReplicas(ctx: OperationContext, log: RequestLog, version: CapiVersion, g: ScalableGroupObject, replicas: number): Promise<void> {
  const resource = g.kind === 'MachineDeployment' ? MACHINE_DEPLOYMENTS : MACHINE_SETS;
  const { namespace } = ctx.access.cluster;
  const name = g.object.metadata.name;
  const body = { metadata: { resourceVersion: g.object.metadata.resourceVersion }, spec: { replicas } };
  await log.send(
    { cluster: 'management', method: 'PATCH', path: customObjectPath(resource.group, version, namespace, resource.plural, name), contentType: PatchStrategy.MergePatch, body },
    () => ctx.access.custom.patchNamespacedCustomObject({ ...objectParams(resource, version, namespace), name, body }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
  );
}

/**
 * Whether a group whose Machine is already annotated was lowered already: it was when it asks for fewer
 * replicas than it has live (not deleting) Machines, the annotated one still among them.
 */
async function alreadyLowered(ctx: OperationContext, version: CapiVersion, g: ScalableGroupObject): Promise<boolean> {
  const label = g.kind === 'MachineDeployment' ? LABEL_DEPLOYMENT_NAME : LABEL_SET_NAME;
  const machines = (await listMachines(ctx.access, version, `${label}=${g.object.metadata.name}`))
    .filter((m) => m.metadata.labels?.[label] === g.object.metadata.name && !isDeleting(m));
  return (g.object.spec?.replicas ?? 0) < machines.length;
}

/** The cluster's other control-plane Machines (not being deleted), split by whether their Node is Ready now. */
export async function otherReadyControlPlaneNodes(ctx: OperationContext, found: NodeMachine, node: string): Promise<{ ready: string[]; notReady: string[] }> {
  const machines = (await listMachines(ctx.access, found.apiVersion, LABEL_CONTROL_PLANE))
    .filter((m) => m.metadata.labels?.[LABEL_CONTROL_PLANE] !== undefined && m.metadata.uid !== found.machine.metadata.uid && !isDeleting(m));
  const { core } = await ctx.access.workload('delete', node);
  const nodes = new Map((await core.listNode()).items.map((n) => [n.metadata?.name, n] as const));
  const ready: string[] = [];
  const notReady: string[] = [];
  for (const m of machines) {
    const nodeName = m.status?.nodeRef?.name;
    const node = nodeName ? nodes.get(nodeName) : undefined;
    (node && isReady(node) ? ready : notReady).push(nodeName ?? `(Machine ${m.metadata.name}, no node yet)`);
  }
  return { ready: ready.sort(), notReady: notReady.sort() };
}

export function isReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}
