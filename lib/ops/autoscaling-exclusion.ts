/**
 * Exclusion from autoscaling (the seed's "Исключение из автоскейлинга"): the Node annotation
 * `cluster-autoscaler.kubernetes.io/scale-down-disabled: "true"`, which the cluster-autoscaler honours by
 * never scaling that node down. The annotation goes on the Node itself: Cluster API does not sync
 * `cluster-autoscaler.kubernetes.io/*` annotations from Machines.
 *
 * Excluding is allowed only for nodes of autoscaled groups (both min/max annotations on their
 * MachineDeployment, else MachineSet); control-plane nodes are never autoscaled. Including again only
 * removes the annotation and is allowed for any node, so that it can be cleaned up after a group
 * stopped being autoscaled.
 */
import { PatchStrategy, setHeaderOptions, V1Node } from '@kubernetes/client-node';
import { ANNOTATION_SCALE_DOWN_DISABLED } from '../core/output/api-versions';
import { OperationContext, resultOf } from './context';
import { NodeOperationRefused } from './errors';
import { findMachine, readNode, readScalableGroup } from './node-lookup';
import { NodeAction, nodePath, NodeOperationResult, RequestLog } from './requests';

export function isExcludedFromAutoscaling(node: V1Node): boolean {
  return node.metadata?.annotations?.[ANNOTATION_SCALE_DOWN_DISABLED] === 'true';
}

export async function excludeFromAutoscaling(ctx: OperationContext, name: string): Promise<NodeOperationResult> {
  const action: NodeAction = 'exclude-from-autoscaling';
  const found = await findMachine(ctx.access, action, name);
  const node = found.node ?? await readNode(ctx.access, action, name);
  if (found.group.role === 'control-plane') {
    throw new NodeOperationRefused(action, name, 'NotAutoscaled', `${name} is a control-plane node: the cluster-autoscaler never scales the control plane`);
  }
  const scalable = await readScalableGroup(ctx.access, found.apiVersion, found.group);
  if (!scalable?.autoscaling) {
    const what = scalable ? `${scalable.kind} ${scalable.object.metadata.name}` : `Machine ${found.machine.metadata.name}'s group`;
    throw new NodeOperationRefused(action, name, 'NotAutoscaled', `${what} is scaled manually (no cluster-autoscaler min/max annotations): exclusion from autoscaling applies only to nodes of autoscaled groups`);
  }
  const log = new RequestLog(ctx.dryRun);
  if (isExcludedFromAutoscaling(node)) return resultOf(ctx, action, name, log, `node ${name} is already excluded from autoscaling`);
  await patchAnnotation(ctx, log, action, name, 'true');
  return resultOf(ctx, action, name, log, `excluded node ${name} from autoscaling (${scalable.kind} ${scalable.object.metadata.name}, min ${scalable.autoscaling.min}, max ${scalable.autoscaling.max})`);
}

export async function includeInAutoscaling(ctx: OperationContext, name: string): Promise<NodeOperationResult> {
  const action: NodeAction = 'include-in-autoscaling';
  const node = await readNode(ctx.access, action, name);
  const log = new RequestLog(ctx.dryRun);
  if (node.metadata?.annotations?.[ANNOTATION_SCALE_DOWN_DISABLED] === undefined) {
    return resultOf(ctx, action, name, log, `node ${name} is not excluded from autoscaling`);
  }
  await patchAnnotation(ctx, log, action, name, null);
  return resultOf(ctx, action, name, log, `included node ${name} in autoscaling again`);
}

async function patchAnnotation(ctx: OperationContext, log: RequestLog, action: NodeAction, name: string, value: string | null): Promise<void> {
  const { core } = await ctx.access.workload(action, name);
  const body = { metadata: { annotations: { [ANNOTATION_SCALE_DOWN_DISABLED]: value } } };
  await log.send(
    { cluster: 'workload', method: 'PATCH', path: nodePath(name), contentType: PatchStrategy.MergePatch, body },
    () => core.patchNode({ name, body }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
  );
}
