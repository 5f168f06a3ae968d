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
import {
  ADDONS_GROUP, AddonName, AddonNames, addonNames, HELM_RELEASE_API_VERSION, HELM_REPOSITORY_API_VERSION,
} from '../core/addons';
import { KUBECONFIG_SECRET_KEY, kubeConfigFromSecretData } from '../ops/cluster-access';
import { addonKey, ServiceContext, UninstallRecord } from './context';
import { ServiceError } from './errors';
import { groupVersion, k8sApiError, kubeStatusCode, orNotFound, remove } from './kube';
import { checkAddon, readReleases } from './releases';

export interface UninstallAnswer {
  id: string;
  addon: AddonName;
  cluster: { namespace: string; name: string };
  namespace: string;
  releases: string[];
  status: 'Uninstalling';
}

const REPO = groupVersion(HELM_REPOSITORY_API_VERSION);

/** The add-on's management-cluster objects other than HelmReleases and HelmRepository. */
function workloadDeliveryObjects(ctx: ServiceContext, namespace: string, names: AddonNames) {
  return [
    { apiVersion: `${ADDONS_GROUP}/${ctx.capiVersion}`, kind: 'ClusterResourceSet', name: names.clusterResourceSet, namespace },
    { apiVersion: 'v1', kind: 'ConfigMap', name: names.tenantResources, namespace },
    ...(ctx.monitoring ? [{ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', name: names.prometheusRule, namespace }] : []),
  ];
}

/** DELETE .../addons/{addon}: 400 unknown add-on, 404 not installed, 202 once the deletes are issued. */
export async function uninstallAddon(ctx: ServiceContext, namespace: string, cluster: string, addonValue: unknown): Promise<UninstallAnswer> {
  const addon = checkAddon('addon', addonValue);
  const key = addonKey(namespace, cluster, addon);
  return ctx.serialize(key, async () => {
    const { names, live } = await readReleases(ctx, namespace, cluster, addon);
    const answer: UninstallAnswer = {
      id: names.release, addon, cluster: { namespace, name: cluster }, namespace: names.namespace,
      releases: names.releases.map((r) => r.name), status: 'Uninstalling',
    };
    const running = ctx.uninstalls.get(key);
    if (running && running.error === undefined) return answer; // already under way: idempotent
    const repository = await orNotFound(`reading HelmRepository ${namespace}/${names.helmRepository}`, () => ctx.clients.custom.getNamespacedCustomObject({
      group: REPO.group, version: REPO.version, namespace, plural: 'helmrepositories', name: names.helmRepository,
    }));
    if (live.size === 0 && repository === undefined && running === undefined) {
      throw new ServiceError(404, 'not-found', `add-on ${addon} is not installed on cluster ${namespace}/${cluster}`);
    }
    // The ClusterResourceSet goes first so that it cannot re-apply the namespace being deleted.
    for (const o of workloadDeliveryObjects(ctx, namespace, names)) await remove(ctx.clients, o);
    for (const r of [...names.releases].reverse()) {
      await remove(ctx.clients, { apiVersion: HELM_RELEASE_API_VERSION, kind: 'HelmRelease', name: r.name, namespace });
    }
    // a new uninstall, or another try after one gave up: the timeout counts from now
    const record: UninstallRecord = { startedAt: new Date() };
    const abort = new AbortController();
    record.cancel = () => abort.abort();
    ctx.uninstalls.set(key, record);
    record.done = finishUninstall(ctx, namespace, cluster, addon, record, abort.signal);
    return answer;
  });
}

/**
 * Waits until the HelmReleases are gone, then deletes the workload namespace and the HelmRepository.
 * Retries failures until the uninstall timeout, then records the error (status: Failed + cleanup commands).
 */
async function finishUninstall(ctx: ServiceContext, namespace: string, cluster: string, addon: AddonName, record: UninstallRecord, signal: AbortSignal): Promise<void> {
  const key = addonKey(namespace, cluster, addon);
  const names = addonNames({ name: cluster, namespace }, addon);
  const deadline = record.startedAt.getTime() + ctx.uninstallTimeoutSeconds * 1000;
  let step = 'waiting for the HelmReleases to be deleted';
  let lastError: string | undefined;
  /** One pass over the remaining steps; true when the uninstall is complete. */
  const attempt = async (): Promise<boolean> => {
    if (step.startsWith('waiting')) {
      const { live } = await readReleases(ctx, namespace, cluster, addon);
      if (live.size > 0) {
        lastError = `HelmRelease ${[...live.keys()].join(', ')} still present (helm-controller has not finished the Helm uninstall)`;
        return false;
      }
      step = 'deleting the add-on namespace on the workload cluster';
    }
    if (step.startsWith('deleting the add-on namespace')) {
      await deleteWorkloadNamespace(ctx, namespace, cluster, names);
      step = 'deleting the HelmRepository';
    }
    await remove(ctx.clients, { apiVersion: HELM_REPOSITORY_API_VERSION, kind: 'HelmRepository', name: names.helmRepository, namespace });
    return true;
  };
  try {
    for (;;) {
      try {
        if (await attempt()) {
          ctx.uninstalls.delete(key);
          ctx.onUninstallEnd?.(key);
          return;
        }
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
      }
      if (Date.now() >= deadline) {
        record.error = `the uninstall did not finish within ${ctx.uninstallTimeoutSeconds}s while ${step}: ${lastError ?? 'no progress'}`;
        ctx.onUninstallEnd?.(key, record.error);
        return;
      }
      await sleep(Math.min(ctx.uninstallPollMs, Math.max(1, deadline - Date.now())), undefined, { signal });
    }
  } catch {
    // only the sleep throws here: aborted by shutdown; a repeated DELETE resumes
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
    await kc.makeApiClient(CoreV1Api).deleteNamespace({ name: names.namespace });
  } catch (e) {
    if (kubeStatusCode(e) === 404) return;
    throw k8sApiError(`deleting namespace ${names.namespace} on workload cluster ${cluster}`, e);
  }
}
