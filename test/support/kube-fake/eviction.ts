/**
 * The pod eviction subresource (POST /api/v1/namespaces/{ns}/pods/{name}/eviction, policy/v1 Eviction),
 * deciding as kube-apiserver's eviction REST does, with PodDisruptionBudget status computed on the spot
 * the way the disruption controller computes it in the simple case:
 *
 * - expectedPods: the PDB's namespace's pods matched by its selector (empty selector: all, none when
 *   absent), not being deleted. GAP: the real controller takes the scale of the pods' controller
 *   (ReplicaSet, StatefulSet...) as expectedPods for percentages and maxUnavailable; here pods are counted.
 * - currentHealthy: those with phase Running and condition Ready=True.
 * - desiredHealthy: minAvailable (int, or percent of expectedPods rounded up), or expectedPods minus
 *   maxUnavailable (int, or percent rounded up); disruptionsAllowed = max(0, currentHealthy - desiredHealthy).
 * - A pod that is Pending, Succeeded, Failed or already being deleted is evicted without a PDB check;
 *   an unready pod is evicted when the PDB's unhealthyPodEvictionPolicy is AlwaysAllow, or when the budget
 *   is healthy (currentHealthy >= desiredHealthy > 0, the IfHealthyBudget default).
 * - More than one matching PDB: 500, as the real server answers.
 * - Blocked: 429 TooManyRequests "Cannot evict pod as it would violate the pod's disruption budget.",
 *   details.causes [{type: DisruptionBudget, message: "The disruption budget <name> needs <d> healthy pods
 *   and has <c> currently"}]. Allowed: the pod is deleted (deletionTimestamp only, if it has finalizers;
 *   no kubelet: a pod without finalizers goes at once, grace periods are not modelled) and the answer is
 *   201 with a Status Success.
 *
 * A test may script answers ({@link EvictionScript}) before the PDB logic runs.
 */
import { clone, isObject } from './patch';
import type { Reply, ResourceRequest } from './request';
import { matchesLabelSelector } from './selectors';
import { errors, KubeError, StatusReason } from './status';
import type { ObjectStore } from './store';

/** What a script answers for one eviction: allow (skip PDBs), block (429 naming `pdb`), an error, or undefined for the PDB logic. */
export type EvictionAnswer =
  | 'allow'
  | 'block'
  | { readonly block: true; readonly pdb?: string; readonly message?: string }
  | { readonly status: number; readonly reason?: StatusReason; readonly message?: string }
  | undefined;

/** Called for each eviction of an existing pod, with copies of the pod and the Eviction body. */
export type EvictionScript = (pod: any, eviction: any) => EvictionAnswer;

export const EVICTION_BLOCKED = "Cannot evict pod as it would violate the pod's disruption budget.";

export interface PdbStatus {
  readonly expectedPods: number;
  readonly currentHealthy: number;
  readonly desiredHealthy: number;
  readonly disruptionsAllowed: number;
}

export const isPodReady = (pod: any): boolean =>
  pod?.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c: any) => c?.type === 'Ready' && c.status === 'True');

/** A PDB's status computed from the pods of its namespace. */
export function computePdbStatus(pdb: any, pods: readonly any[]): PdbStatus {
  const matching = pods.filter((p) => p.metadata.namespace === pdb.metadata.namespace && !p.metadata.deletionTimestamp
    && matchesLabelSelector(pdb.spec?.selector, p.metadata.labels));
  const expectedPods = matching.length;
  const currentHealthy = matching.filter(isPodReady).length;
  const scaled = (v: unknown): number => {
    if (typeof v === 'number') return v;
    const m = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null;
    if (!m) throw errors.internal(`poddisruptionbudget ${pdb.metadata.name}: invalid value ${JSON.stringify(v)}`);
    return Math.ceil((Number(m[1]) * expectedPods) / 100);
  };
  let desiredHealthy: number;
  if (pdb.spec?.maxUnavailable !== undefined && pdb.spec?.maxUnavailable !== null) desiredHealthy = Math.max(0, expectedPods - scaled(pdb.spec.maxUnavailable));
  else if (pdb.spec?.minAvailable !== undefined && pdb.spec?.minAvailable !== null) desiredHealthy = scaled(pdb.spec.minAvailable);
  else desiredHealthy = 0;
  return { expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy) };
}

/** policy/v1 validation of a PDB's spec, as far as the eviction logic relies on it. */
export function validatePdb(pdb: any): { field: string; message: string }[] {
  const spec = pdb?.spec ?? {};
  const out: { field: string; message: string }[] = [];
  const has = (k: string) => spec[k] !== undefined && spec[k] !== null;
  if (has('minAvailable') && has('maxUnavailable')) out.push({ field: 'spec', message: 'Invalid value: minAvailable and maxUnavailable cannot be both set' });
  for (const k of ['minAvailable', 'maxUnavailable']) {
    if (!has(k)) continue;
    const v = spec[k];
    const ok = (Number.isInteger(v) && v >= 0) || (typeof v === 'string' && /^\d+%$/.test(v) && Number(v.slice(0, -1)) <= 100);
    if (!ok) out.push({ field: `spec.${k}`, message: `Invalid value: ${JSON.stringify(v)}: must be a non-negative integer or a percentage (0% to 100%)` });
  }
  return out;
}

/** A PDB's status stanza as the disruption controller writes it (policy/v1). */
export function pdbStatusStanza(pdb: any, status: PdbStatus): object {
  const allowed = status.disruptionsAllowed > 0;
  return {
    observedGeneration: pdb.metadata.generation ?? 1,
    disruptionsAllowed: status.disruptionsAllowed,
    currentHealthy: status.currentHealthy,
    desiredHealthy: status.desiredHealthy,
    expectedPods: status.expectedPods,
    conditions: [{
      type: 'DisruptionAllowed', status: allowed ? 'True' : 'False', reason: allowed ? 'SufficientPods' : 'InsufficientPods',
      message: '', observedGeneration: pdb.metadata.generation ?? 1, lastTransitionTime: pdb.metadata.creationTimestamp,
    }],
  };
}

export function blockedError(pdbName: string, desired: number, current: number, message = EVICTION_BLOCKED): KubeError {
  return new KubeError(429, 'TooManyRequests', message, {
    causes: [{ type: 'DisruptionBudget', message: `The disruption budget ${pdbName} needs ${desired} healthy pods and has ${current} currently` }],
  });
}

export function evict(store: ObjectStore, req: ResourceRequest, scripts: readonly EvictionScript[]): Reply {
  if (req.verb !== 'create') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  const eviction = isObject(req.body) ? req.body : undefined;
  if (!eviction) throw errors.badRequest('the body of an eviction must be a policy/v1 Eviction');
  if (eviction.metadata?.name !== undefined && eviction.metadata.name !== req.name) {
    throw errors.badRequest('name in URL does not match name in Eviction object');
  }
  const podType = req.type;
  const pod = store.get(podType, req.namespace, req.name!);
  if (!pod) throw errors.notFound('pods', '', req.name!);
  const deleteOptions = isObject(eviction.deleteOptions) ? eviction.deleteOptions : {};
  const dryRun = req.dryRun || (Array.isArray(deleteOptions.dryRun) && deleteOptions.dryRun.includes('All'));
  const remove = (): Reply => {
    store.delete(podType, req.namespace, req.name!, { dryRun, preconditions: deleteOptions.preconditions });
    return { status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
  };

  for (const script of scripts) {
    const answer = script(clone(pod), clone(eviction));
    if (answer === undefined) continue;
    if (answer === 'allow') return remove();
    if (answer === 'block') throw blockedError('scripted', 1, 0);
    if ('block' in answer) throw blockedError(answer.pdb ?? 'scripted', 1, 0, answer.message);
    throw new KubeError(answer.status, answer.reason ?? (answer.status === 429 ? 'TooManyRequests' : 'InternalError'), answer.message ?? `scripted eviction answer ${answer.status}`);
  }

  const phase = pod.status?.phase;
  if (pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending') return remove();
  const pdbType = store.registry.byKind('policy', 'PodDisruptionBudget')!;
  const pdbs = store.list(pdbType, req.namespace).filter((p) => matchesLabelSelector(p.spec?.selector, pod.metadata.labels));
  if (pdbs.length === 0) return remove();
  if (pdbs.length > 1) throw errors.internal('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  const pdb = pdbs[0];
  const status = computePdbStatus(pdb, store.list(podType, req.namespace));
  if (!isPodReady(pod)) {
    const policy = pdb.spec?.unhealthyPodEvictionPolicy;
    if (policy === 'AlwaysAllow' || (status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0)) return remove();
  }
  if (status.disruptionsAllowed <= 0) throw blockedError(pdb.metadata.name, status.desiredHealthy, status.currentHealthy);
  return remove();
}
