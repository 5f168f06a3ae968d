/**
 * Uninstall in the operations guide's order: delete the HelmRelease(s) (dependents first, so the KubeRay
 * operator can still clean up its RayCluster), and once helm-controller has uninstalled them and they
 * are gone, delete the add-on namespace on the workload cluster (through the cluster's CAPI kubeconfig
 * Secret, as the guide's `kubectl` steps do). The DELETE answers 202 as soon as the deletes are issued;
 * the rest runs in the background and shows in the status (Uninstalling, or Failed with the guide's
 * cleanup commands when it does not finish within the timeout).
 */
import { setTimeout as sleep } from 'timers/promises';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { AddonName, AddonNames, addonNames, InstallationOperation, operationOf, showObject } from '../core/addons';
import { auditing, currentAuditId } from '../ops/audit';
import { kubeConfigFromSecretData } from '../ops/cluster-access';
import { KUBECONFIG_SECRET_KEY } from '../ops/types';
import { addonKey, ServiceContext, UninstallRecord } from './context';
import { ServiceError } from './errors';
import { fluxClients, LiveObject, objectsOf, readInstallation, readObject, recordOperation, repositoryOf, underLease } from './installation';
import { groupVersion, k8sApiError, KubeClients, kubeStatusCode, orNotFound, remove } from './kube';
import { checkAddon, readReleases } from './releases';

export interface UninstallAnswer {
  id: string;
  addon: AddonName;
  cluster: { namespace: string; name: string };
  namespace: string;
  releases: string[];
  status: 'Uninstalling';
}

/** DELETE .../addons/{addon}: 400 unknown add-on, 404 not installed, 202 once the deletes are issued. */
export async function uninstallAddon(ctx: ServiceContext, namespace: string, cluster: string, addonValue: unknown): Promise<UninstallAnswer> {
  const addon = checkAddon('addon', addonValue);
  const key = addonKey(namespace, cluster, addon);
  return underLease(ctx, namespace, cluster, addon, async () => {
    const state = await readInstallation(ctx, namespace, cluster, addon);
    const { names } = state;
    const answer: UninstallAnswer = {
      id: names.release, addon, cluster: { namespace, name: cluster }, namespace: names.namespace,
      releases: names.releases.map((r) => r.name), status: 'Uninstalling',
    };
    const running = ctx.uninstalls.get(key);
    const recorded = state.operation?.operation === 'uninstall' ? state.operation : undefined;
    if (running && running.error === undefined && recorded?.failedStep === undefined && state.repository !== undefined) return answer; // under way here: idempotent
    if (state.live.size === 0) {
      throw new ServiceError(404, 'not-found', `add-on ${addon} is not installed on cluster ${namespace}/${cluster}`);
    }
    // Recorded first, on the object deleted last: a process that dies from here on leaves an uninstall
    // that every replica reports and a repeated DELETE resumes. An uninstall resumed after a restart keeps
    // its start; one tried again after it failed counts its timeout from now.
    const resumed = recorded !== undefined && recorded.failedStep === undefined;
    const op: InstallationOperation = { operation: 'uninstall', startedAt: resumed ? recorded!.startedAt : new Date().toISOString(), requestId: currentAuditId() };
    const target = state.target!; // objects exist, so their cluster answered
    await recordOperation(ctx, target, namespace, cluster, addon, op);
    // The ClusterResourceSet goes first so that it cannot re-apply the namespace being deleted; the
    // HelmReleases dependents first; the add-on namespace once they are gone, the HelmRepository last.
    for (const o of [...state.objects].reverse()) {
      if (o.kind === 'HelmRepository' || o.kind === 'Namespace') continue;
      await remove(target, { apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace: o.namespace });
    }
    const record: UninstallRecord = { startedAt: op.startedAt ? new Date(op.startedAt) : new Date() };
    const abort = new AbortController();
    record.cancel = () => abort.abort();
    running?.cancel?.();
    ctx.uninstalls.set(key, record);
    record.done = finishUninstall(ctx, namespace, cluster, addon, record, op, abort.signal);
    return answer;
  });
}

/**
 * Waits until the HelmReleases are gone, then deletes the workload namespace and the HelmRepository.
 * Retries failures until the uninstall timeout, then records the failed step on the HelmRepository
 * (status: Failed + cleanup commands, from any replica).
 */
async function finishUninstall(ctx: ServiceContext, namespace: string, cluster: string, addon: AddonName, record: UninstallRecord, op: InstallationOperation, signal: AbortSignal): Promise<void> {
  const key = addonKey(namespace, cluster, addon);
  const names = addonNames({ name: cluster, namespace }, addon);
  const deadline = record.startedAt.getTime() + ctx.uninstallTimeoutSeconds * 1000;
  let step = 'waiting for the HelmReleases to be deleted';
  let lastError: string | undefined;
  const ours = (o: LiveObject) => {
    const now = operationOf(o.metadata?.annotations);
    return now?.operation === 'uninstall' && now.startedAt === op.startedAt;
  };
  /** One pass over the remaining steps; true when the uninstall is complete. */
  const attempt = async (): Promise<boolean> => {
    const target = await fluxClients(ctx, namespace, cluster);
    if (target === undefined) return true; // tenant mode, and the workload cluster is gone: so is everything on it
    if (step.startsWith('waiting')) {
      const { live } = await readReleases(ctx, target, namespace, cluster, addon);
      if (live.size > 0) {
        lastError = `HelmRelease ${[...live.keys()].join(', ')} still present (helm-controller has not finished the Helm uninstall)`;
        return false;
      }
      // the other deleted objects too: a finalizer (the ClusterResourceSet controller's, which needs the
      // workload cluster) can hold one; the uninstall is not over while any of them is left
      const left = (await Promise.all(objectsOf(ctx, namespace, cluster, addon)
        .filter((o) => o.kind !== 'HelmRelease' && o.kind !== 'HelmRepository' && o.kind !== 'Namespace')
        .map(async (o) => ((await readObject(target, o)) === undefined ? undefined : showObject(o))))).filter((x): x is string => x !== undefined);
      if (left.length > 0) {
        lastError = `${left.join(', ')} still present (being deleted: a finalizer holds it)`;
        return false;
      }
      step = 'deleting the add-on namespace on the workload cluster';
    }
    if (step.startsWith('deleting the add-on namespace')) {
      if (ctx.mode === 'tenant') await deleteTenantNamespace(target, cluster, names);
      else await deleteWorkloadNamespace(ctx, namespace, cluster, names);
      step = 'deleting the HelmRepository';
    }
    await deleteRepository(ctx, target, namespace, cluster, addon, ours);
    return true;
  };
  try {
    for (;;) {
      try {
        if (await attempt()) {
          if (ctx.uninstalls.get(key) === record) ctx.uninstalls.delete(key);
          ctx.onUninstallEnd?.(key);
          return;
        }
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
      }
      if (Date.now() >= deadline) {
        record.error = `the uninstall did not finish within ${ctx.uninstallTimeoutSeconds}s while ${step}: ${lastError ?? 'no progress'}`;
        const target = await fluxClients(ctx, namespace, cluster).catch(() => undefined);
        if (target) await recordOperation(ctx, target, namespace, cluster, addon, { ...op, failedStep: step, error: (lastError ?? 'no progress').slice(0, 500) }, ours).catch(() => false);
        ctx.onUninstallEnd?.(key, record.error);
        return;
      }
      await sleep(Math.min(ctx.uninstallPollMs, Math.max(1, deadline - Date.now())), undefined, { signal });
    }
  } catch {
    // only the sleep throws here: aborted by shutdown; a repeated DELETE resumes
  }
}

/** Deletes the HelmRepository if it still records this uninstall, with a resourceVersion precondition (409: read again). */
async function deleteRepository(ctx: ServiceContext, target: KubeClients, namespace: string, cluster: string, addon: AddonName, ours: (o: LiveObject) => boolean): Promise<void> {
  const repo = repositoryOf(ctx, namespace, cluster, addon);
  const gv = groupVersion(repo.apiVersion);
  for (let attempt = 1; ; attempt++) {
    const current = await readObject(target, repo);
    if (current === undefined || !ours(current)) return;
    try {
      await target.custom.deleteNamespacedCustomObject({
        group: gv.group, version: gv.version, namespace: repo.namespace!, plural: repo.plural, name: repo.name,
        body: { preconditions: { resourceVersion: current.metadata?.resourceVersion }, propagationPolicy: 'Background' },
      });
      return;
    } catch (e) {
      if (kubeStatusCode(e) === 404) return;
      if (kubeStatusCode(e) !== 409 || attempt >= 5) throw k8sApiError(`deleting ${showObject(repo)}`, e);
    }
  }
}

/** Tenant mode: deletes the add-on namespace on the workload cluster (the clients already lead there). */
async function deleteTenantNamespace(target: KubeClients, cluster: string, names: AddonNames): Promise<void> {
  try {
    await target.core.deleteNamespace({ name: names.namespace });
  } catch (e) {
    if (kubeStatusCode(e) === 404) return;
    throw k8sApiError(`deleting namespace ${names.namespace} on workload cluster ${cluster}`, e);
  }
}

/**
 * Deletes `iaas-addon-<addon>-<suffix>` on the workload cluster through its CAPI kubeconfig Secret
 * (`<cluster>-kubeconfig`, key `value`). No Secret means no workload cluster left: nothing to delete.
 */
async function deleteWorkloadNamespace(ctx: ServiceContext, namespace: string, cluster: string, names: AddonNames): Promise<void> {
  const secret = await orNotFound(`reading Secret ${namespace}/${names.kubeconfigSecret}`, () => ctx.clients.core.readNamespacedSecret({ namespace, name: names.kubeconfigSecret }));
  let kc: KubeConfig | undefined;
  try {
    kc = kubeConfigFromSecretData(secret?.data);
  } catch {
    // never the content: it holds the workload cluster's credentials
    throw new ServiceError(502, 'k8s-api-error', `Secret ${namespace}/${names.kubeconfigSecret} does not hold a readable kubeconfig under key "${KUBECONFIG_SECRET_KEY}"`);
  }
  if (!kc) return;
  try {
    await auditing(kc).makeApiClient(CoreV1Api).deleteNamespace({ name: names.namespace });
  } catch (e) {
    if (kubeStatusCode(e) === 404) return;
    throw k8sApiError(`deleting namespace ${names.namespace} on workload cluster ${cluster}`, e);
  }
}
