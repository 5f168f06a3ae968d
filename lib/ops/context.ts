/** What every action gets: cluster access, dry-run and a clock (tests pass a fake one). */
import { ClusterAccess } from './cluster-access';
import { NodeAction, NodeOperationResult, RequestLog } from './requests';
import { Clock } from './types';

export const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface OperationContext {
  readonly access: ClusterAccess;
  readonly dryRun: boolean;
  readonly clock: Clock;
}

/** The result of an action from what its log recorded. */
export function resultOf(ctx: OperationContext, action: NodeAction, node: string, log: RequestLog, summary: string): NodeOperationResult {
  const { name, namespace } = ctx.access.cluster;
  return {
    action,
    node,
    cluster: { name, namespace },
    dryRun: ctx.dryRun,
    changed: log.requests.length > 0,
    summary: ctx.dryRun && log.requests.length > 0 ? `(dry run) would have ${summary}` : summary,
    requests: log.requests,
  };
}
