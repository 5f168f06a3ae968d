/**
 * Drain: cordon the node, then evict its pods through the Eviction API (policy/v1), so that
 * PodDisruptionBudgets are honoured, and wait until they are gone.
 *
 * - Mirror pods (annotation `kubernetes.io/config.mirror`, static pods of the kubelet) are never evicted.
 * - DaemonSet pods are skipped: the DaemonSet would recreate them on the node at once.
 * - Pods that no controller manages are evicted only with `force` (as `kubectl drain --force`): nothing
 *   recreates them; without it the drain is refused before the node is cordoned.
 * - Pods with emptyDir volumes are evicted only with `deleteEmptyDirData` (their data is lost); without
 *   it the drain is refused before the node is cordoned. Finished pods (Succeeded/Failed) are exempt.
 * - An eviction refused with 429 (a PodDisruptionBudget allows no disruption now) is retried with
 *   exponential backoff; the budget's name, from the refusal's `DisruptionBudget` cause, is reported.
 * - Pods already terminating are waited for, not evicted again.
 * - The whole drain is bounded by `timeoutSeconds`; on timeout it throws {@link DrainTimeout} naming the
 *   pods left and the budgets blocking them. The node stays cordoned.
 */
import { V1Eviction, V1Pod } from '@kubernetes/client-node';
import { apiStatus, isNotFound, statusCode } from './api-errors';
import { OperationContext, resultOf } from './context';
import { isCordoned, patchUnschedulable } from './cordon';
import { DrainTimeout, NodeOperationRefused, RemainingPod } from './errors';
import { isDeleting, readNode } from './node-lookup';
import { evictionPath, RequestLog } from './requests';
import { DEFAULT_DRAIN_TIMEOUT_SECONDS, DrainOptions, DrainResult, MIRROR_POD_ANNOTATION, PodReference, SkippedPod } from './types';

/** First wait after a PDB-blocked eviction; doubles per blocked round up to {@link EVICTION_BACKOFF_MAX_MS}. */
export const EVICTION_BACKOFF_INITIAL_MS = 1000;
export const EVICTION_BACKOFF_MAX_MS = 16000;
/** How often evicted pods are checked for being gone. */
export const POD_GONE_POLL_MS = 1000;

type Plan = { evict: V1Pod[]; wait: V1Pod[]; skipped: SkippedPod[]; emptyDir: V1Pod[]; unmanaged: V1Pod[]; warnings: string[] };

function ref(pod: V1Pod): PodReference {
  return { namespace: pod.metadata!.namespace!, name: pod.metadata!.name! };
}

function key(p: PodReference): string {
  return `${p.namespace}/${p.name}`;
}

/** Sorts the node's pods into evict / wait / skip, and those refused for their emptyDir data. */
export function planDrain(pods: readonly V1Pod[], deleteEmptyDirData: boolean, force = false): Plan {
  const plan: Plan = { evict: [], wait: [], skipped: [], emptyDir: [], unmanaged: [], warnings: [] };
  for (const pod of pods) {
    const controller = pod.metadata?.ownerReferences?.find((o) => o.controller);
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (pod.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) {
      plan.skipped.push({ ...ref(pod), reason: 'MirrorPod' });
    } else if (controller?.kind === 'DaemonSet') {
      plan.skipped.push({ ...ref(pod), reason: 'DaemonSet' });
    } else if (isDeleting(pod)) {
      plan.wait.push(pod);
    } else if (!finished && !deleteEmptyDirData && pod.spec?.volumes?.some((v) => v.emptyDir)) {
      plan.emptyDir.push(pod);
    } else if (!controller && !finished && !force) {
      plan.unmanaged.push(pod);
    } else {
      if (!controller && !finished) plan.warnings.push(`pod ${key(ref(pod))} has no controller: nothing recreates it after eviction`);
      plan.evict.push(pod);
    }
  }
  return plan;
}

/**
 * The PodDisruptionBudget named in a 429 eviction refusal: kube-apiserver adds a cause
 * `{reason: "DisruptionBudget", message: "The disruption budget <name> needs ..."}`. The message is
 * matched on any cause, so a server that spells the key `type` is read too.
 */
export function blockingBudget(e: unknown): string | undefined {
  for (const c of apiStatus(e)?.details?.causes ?? []) {
    const m = /^The disruption budget (\S+) /.exec(c.message ?? '');
    if (m) return m[1];
  }
  return undefined;
}

export async function drain(ctx: OperationContext, name: string, options: DrainOptions = {}): Promise<DrainResult> {
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_DRAIN_TIMEOUT_SECONDS;
  const node = await readNode(ctx.access, 'drain', name);
  const { core } = await ctx.access.workload('drain', name);
  const pods = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}` })).items
    .filter((p) => p.spec?.nodeName === name);
  const plan = planDrain(pods, options.deleteEmptyDirData === true, options.force === true);
  if (plan.unmanaged.length > 0) {
    throw new NodeOperationRefused('drain', name, 'UnmanagedPods',
      `${plan.unmanaged.length === 1 ? 'pod' : 'pods'} ${plan.unmanaged.map((p) => key(ref(p))).join(', ')} ${plan.unmanaged.length === 1 ? 'is' : 'are'} managed by no controller, so nothing recreates ${plan.unmanaged.length === 1 ? 'it' : 'them'} after eviction; pass force (--force) to evict ${plan.unmanaged.length === 1 ? 'it' : 'them'} anyway`);
  }
  if (plan.emptyDir.length > 0) {
    throw new NodeOperationRefused('drain', name, 'EmptyDirData',
      `${plan.emptyDir.length === 1 ? 'pod' : 'pods'} ${plan.emptyDir.map((p) => key(ref(p))).join(', ')} ${plan.emptyDir.length === 1 ? 'uses' : 'use'} emptyDir volumes whose data eviction deletes; pass deleteEmptyDirData (--delete-emptydir-data) to evict them anyway`);
  }

  const log = new RequestLog(ctx.dryRun);
  if (!isCordoned(node)) await patchUnschedulable(ctx, log, 'drain', name, true);

  const evicted: PodReference[] = [];
  const summary = () => {
    const what = [`${evicted.length} pod${evicted.length === 1 ? '' : 's'} evicted`];
    if (plan.skipped.length) what.push(`${plan.skipped.length} skipped (${[...new Set(plan.skipped.map((s) => s.reason))].join(', ')})`);
    return `drained node ${name}: ${what.join(', ')}`;
  };
  const result = (): DrainResult => ({ ...resultOf(ctx, 'drain', name, log, summary()), evicted, skipped: plan.skipped, warnings: plan.warnings });

  if (ctx.dryRun) {
    for (const pod of plan.evict) {
      log.requests.push({ cluster: 'workload', method: 'POST', path: evictionPath(ref(pod).namespace, ref(pod).name), body: evictionBody(pod) });
      evicted.push(ref(pod));
    }
    return result();
  }

  // Pods to evict, and pods evicted (or already terminating) that have not gone yet, by uid.
  const toEvict = new Map<string, { pod: V1Pod; blockedBy?: string }>(plan.evict.map((p) => [key(ref(p)), { pod: p }]));
  const leaving = new Map<string, V1Pod>(plan.wait.map((p) => [key(ref(p)), p]));
  const deadline = ctx.clock.now() + timeoutSeconds * 1000;
  let backoff = EVICTION_BACKOFF_INITIAL_MS;

  for (;;) {
    let blocked = false;
    for (const [k, entry] of toEvict) {
      const p = ref(entry.pod);
      try {
        await log.send(
          { cluster: 'workload', method: 'POST', path: evictionPath(p.namespace, p.name), body: evictionBody(entry.pod) },
          () => core.createNamespacedPodEviction({ name: p.name, namespace: p.namespace, body: evictionBody(entry.pod) }),
        );
        toEvict.delete(k);
        evicted.push(p);
        leaving.set(k, entry.pod);
      } catch (e) {
        if (isNotFound(e)) { toEvict.delete(k); continue; }
        if (statusCode(e) !== 429) throw e;
        blocked = true;
        entry.blockedBy = blockingBudget(e) ?? entry.blockedBy;
      }
    }
    for (const [k, pod] of leaving) {
      if (await isGone(core, pod)) leaving.delete(k);
    }
    const remaining: RemainingPod[] = [
      ...[...toEvict.values()].map((e) => ({ ...ref(e.pod), ...(e.blockedBy ? { blockedBy: e.blockedBy } : {}) })),
      ...[...leaving.values()].map(ref),
    ];
    options.onProgress?.({ node: name, podsLeft: remaining.length, pods: remaining, evicted: evicted.length });
    if (remaining.length === 0) return result();
    const left = deadline - ctx.clock.now();
    if (left <= 0) throw new DrainTimeout(name, timeoutSeconds, remaining, log.requests);
    await ctx.clock.sleep(Math.min(blocked ? backoff : POD_GONE_POLL_MS, left));
    if (blocked) backoff = Math.min(backoff * 2, EVICTION_BACKOFF_MAX_MS);
  }
}

function evictionBody(pod: V1Pod): V1Eviction {
  return { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata!.name, namespace: pod.metadata!.namespace } };
}

/** A pod is gone when reading it answers 404 or a pod of the same name with another uid. */
async function isGone(core: { readNamespacedPod(p: { name: string; namespace: string }): Promise<V1Pod> }, pod: V1Pod): Promise<boolean> {
  try {
    const now = await core.readNamespacedPod({ name: pod.metadata!.name!, namespace: pod.metadata!.namespace! });
    return now.metadata?.uid !== pod.metadata?.uid;
  } catch (e) {
    if (isNotFound(e)) return true;
    throw e;
  }
}
