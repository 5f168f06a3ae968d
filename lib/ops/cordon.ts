/**
 * Cordon / uncordon: `spec.unschedulable` on the Node (merge patch). Cordon stops new pods from being
 * scheduled there; running pods stay. Uncordon undoes cordon and drain alike (a drain is a cordon plus
 * evictions; evicted pods run elsewhere and do not come back).
 */
import { PatchStrategy, setHeaderOptions, V1Node } from '@kubernetes/client-node';
import { OperationContext, resultOf } from './context';
import { readNode } from './node-lookup';
import { NodeAction, nodePath, NodeOperationResult, RequestLog } from './requests';

export function isCordoned(node: V1Node): boolean {
  return node.spec?.unschedulable === true;
}

export async function cordon(ctx: OperationContext, name: string): Promise<NodeOperationResult> {
  return setUnschedulable(ctx, 'cordon', name, true);
}

export async function uncordon(ctx: OperationContext, name: string): Promise<NodeOperationResult> {
  return setUnschedulable(ctx, 'uncordon', name, false);
}

async function setUnschedulable(ctx: OperationContext, action: NodeAction, name: string, unschedulable: boolean): Promise<NodeOperationResult> {
  const node = await readNode(ctx.access, action, name);
  const log = new RequestLog(ctx.dryRun);
  if (isCordoned(node) === unschedulable) {
    return resultOf(ctx, action, name, log, `node ${name} is already ${unschedulable ? 'cordoned' : 'schedulable'}`);
  }
  await patchUnschedulable(ctx, log, action, name, unschedulable);
  return resultOf(ctx, action, name, log, `${unschedulable ? 'cordoned' : 'uncordoned'} node ${name}`);
}

/** Sends the patch (recorded in `log`). `false` removes the field, as kubectl does. */
export async function patchUnschedulable(ctx: OperationContext, log: RequestLog, action: NodeAction, name: string, unschedulable: boolean): Promise<void> {
  const { core } = await ctx.access.workload(action, name);
  const body = { spec: { unschedulable: unschedulable ? true : null } };
  await log.send(
    { cluster: 'workload', method: 'PATCH', path: nodePath(name), contentType: PatchStrategy.MergePatch, body },
    () => core.patchNode({ name, body }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
  );
}
