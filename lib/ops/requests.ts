/**
 * The write requests a node operation sends (or, with `dryRun`, would send), recorded for its result.
 * Reads are not recorded: they never change anything.
 */

/** The actions of {@link NodeOperations}, named as on the command line. */
export type NodeAction = 'cordon' | 'uncordon' | 'drain' | 'delete' | 'exclude-from-autoscaling' | 'include-in-autoscaling' | 'show' | 'list' | 'label' | 'annotate';

/** Which cluster a request goes to. */
export type Target = 'management' | 'workload';

/** One write request, described by its REST method and path. */
export interface PlannedRequest {
  readonly cluster: Target;
  readonly method: 'PATCH' | 'POST' | 'DELETE';
  /** REST path, e.g. `/api/v1/nodes/worker-1`. */
  readonly path: string;
  /** Patch type of a PATCH (the values of `PatchStrategy` of `@kubernetes/client-node`). */
  readonly contentType?: 'application/json-patch+json' | 'application/merge-patch+json' | 'application/strategic-merge-patch+json' | 'application/apply-patch+yaml';
  readonly body?: unknown;
}

/** What every action returns. */
export interface NodeOperationResult {
  readonly action: NodeAction;
  readonly node: string;
  readonly cluster: { readonly name: string; readonly namespace: string };
  /** True when the requests were only planned, not sent. */
  readonly dryRun: boolean;
  /** Whether anything was (or, with dryRun, would be) written; false when the node was already in the asked-for state. */
  readonly changed: boolean;
  /** One line saying what was done. */
  readonly summary: string;
  /** The write requests, in order. Empty when nothing needed to change. */
  readonly requests: readonly PlannedRequest[];
}

/** Collects write requests and sends them unless dry-running. */
export class RequestLog {
  readonly requests: PlannedRequest[] = [];

  constructor(public readonly dryRun: boolean) {}

  /** Records `request`; unless dry-running, sends it with `send` and returns its response. */
  async send<T>(request: PlannedRequest, send: () => Promise<T>): Promise<T | undefined> {
    this.requests.push(request);
    return this.dryRun ? undefined : send();
  }
}

export function nodePath(name: string): string {
  return `/api/v1/nodes/${name}`;
}

export function evictionPath(namespace: string, pod: string): string {
  return `/api/v1/namespaces/${namespace}/pods/${pod}/eviction`;
}

export function customObjectPath(group: string, version: string, namespace: string, plural: string, name: string): string {
  return `/apis/${group}/${version}/namespaces/${namespace}/${plural}/${name}`;
}

/** Human-readable line for a request, e.g. `PATCH /api/v1/nodes/w-1 (workload) {"spec":{"unschedulable":true}}`. */
export function describeRequest(r: PlannedRequest): string {
  return `${r.method} ${r.path} (${r.cluster}${r.contentType ? `, ${r.contentType}` : ''})${r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`}`;
}
