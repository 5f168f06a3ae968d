/**
 * Install: read the Cluster and its control plane, render the add-on with the same core function the
 * ClusterAddon constructs use (`renderClusterAddon`), and server-side apply every object under one
 * field manager, holding the installation's Lease. The same parameters again are an idempotent 202 that
 * also repairs a partial installation; other parameters are a 409.
 */
import { AddonName, InstallationOperation, operationAnnotations, operationOf, renderClusterAddon } from '../core/addons';
import { currentAuditId } from '../ops/audit';
import { Warning, ValidationError } from '../core/rules/errors';
import { Manifest, stableStringify } from '../core/output/manifest';
import { readClusterRef } from './cluster';
import { ServiceContext } from './context';
import { fromValidationError, ServiceError } from './errors';
import { apply } from './kube';
import { objectsOf, presence, readInstallation, recordOperation, underLease, withAnnotations } from './installation';
import { checkAddon } from './releases';

export interface InstallRequest {
  readonly namespace: string;
  readonly cluster: string;
  readonly addon: unknown;
  readonly parameters?: unknown;
}

/** The 202 answer of an install. */
export interface InstallAnswer {
  /** The add-on's id: its primary release name, `<addon>-<suffix>`. */
  id: string;
  addon: AddonName;
  cluster: { namespace: string; name: string };
  /** The add-on namespace on the workload cluster, `iaas-addon-<addon>-<suffix>`. */
  namespace: string;
  /** HelmRelease (and Helm release) names, in catalog order. */
  releases: string[];
  status: 'Installing';
  /** True when the add-on was already installed with these parameters (nothing changed). */
  unchanged: boolean;
  warnings: Warning[];
}

/** Installs (or re-applies) one add-on; throws ServiceError for every error answer. */
export async function installAddon(ctx: ServiceContext, req: InstallRequest): Promise<InstallAnswer> {
  const addon = checkAddon('addon', req.addon);
  const { ref: cluster, warnings } = await readClusterRef(ctx.clients, req.namespace, req.cluster, ctx.capiVersion);
  let model;
  try {
    model = renderClusterAddon({ cluster, addon, parameters: req.parameters as never, mode: ctx.mode, monitoring: ctx.monitoring ? undefined : false });
  } catch (e) {
    if (e instanceof ValidationError) throw fromValidationError(e);
    throw e;
  }
  const releases = model.manifests.filter((m) => m.kind === 'HelmRelease') as Manifest[];
  const repository = model.manifests.find((m) => m.kind === 'HelmRepository') as Manifest;
  // tenant mode: the add-on namespace holds everything else, so it comes first
  const first = model.manifests.filter((m) => m.kind === 'Namespace') as Manifest[];
  const others = model.manifests.filter((m) => m.kind !== 'HelmRelease' && m.kind !== 'HelmRepository' && m.kind !== 'Namespace') as Manifest[];
  const { namespace } = req;

  return underLease(ctx, namespace, req.cluster, addon, async () => {
    // Read under the Lease: what was read before it may have changed while another process held it.
    const state = await readInstallation(ctx, namespace, req.cluster, addon);
    const target = state.target;
    if (target === undefined) {
      throw new ServiceError(409, 'conflict', `cluster ${namespace}/${req.cluster} has no kubeconfig Secret ${model.names.kubeconfigSecret} yet, so its workload cluster (where tenant mode installs) cannot be reached: install again once its control plane is up`);
    }
    if (state.operation?.operation === 'uninstall') {
      throw new ServiceError(409, 'conflict', `add-on ${addon} of cluster ${namespace}/${req.cluster} is being uninstalled: wait until its status is gone, then install it again`);
    }
    for (const desired of releases) {
      const current = state.releases.get(desired.metadata.name!) as { metadata?: { deletionTimestamp?: unknown }; spec?: { values?: unknown } } | undefined;
      if (current === undefined) continue;
      if (current.metadata?.deletionTimestamp !== undefined) {
        throw new ServiceError(409, 'conflict', `add-on ${addon} of cluster ${namespace}/${req.cluster} is being uninstalled (HelmRelease ${desired.metadata.name} is being deleted)`);
      }
      // "Same parameters" means the same chart values: {} and the explicit defaults are one install.
      if (stableStringify(current.spec?.values ?? {}) !== stableStringify((desired.spec as { values?: unknown }).values ?? {})) {
        throw new ServiceError(409, 'conflict', `add-on ${addon} is already installed on cluster ${namespace}/${req.cluster} with other parameters (HelmRelease ${desired.metadata.name} has other values): uninstall it first`);
      }
    }
    const unchanged = presence(state).missing.length === 0 && state.operation === undefined;
    // The HelmRepository first, carrying the operation: a process that dies half-way leaves it recorded,
    // and any replica reports the partial installation. Then the HelmReleases one by one in catalog order
    // (the KubeRay operator before the Ray cluster), then the workload-cluster delivery and the
    // PrometheusRule; a repeated install re-applies the same objects.
    const op: InstallationOperation = { operation: 'install', startedAt: new Date().toISOString(), requestId: currentAuditId() };
    const where = ctx.mode === 'tenant' ? ' on the workload cluster' : '';
    let step = `applying ${first.map((m) => `Namespace ${m.metadata.name}${where}, `).join('')}HelmRepository ${repository.metadata.namespace}/${repository.metadata.name}${where}`;
    try {
      for (const m of first) await apply(target, m);
      await apply(target, withAnnotations(repository as never, operationAnnotations(op)) as never);
      const order = objectsOf(ctx, namespace, req.cluster, addon).map((o) => `${o.kind}/${o.name}`);
      const rank = (m: Manifest) => order.indexOf(`${m.kind}/${m.metadata.name}`);
      for (const m of [...releases, ...[...others].sort((a, b) => rank(a) - rank(b))]) {
        step = `applying ${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}${where}`;
        await apply(target, m);
      }
      step = `recording the end of the install on HelmRepository ${repository.metadata.namespace}/${repository.metadata.name}${where}`;
      await recordOperation(ctx, target, namespace, req.cluster, addon, undefined, (o) => operationOf(o.metadata?.annotations)?.startedAt === op.startedAt);
    } catch (e) {
      const error = e instanceof ServiceError ? e.message : String((e as Error)?.message ?? e);
      // best effort: the status reports the failed step; without it, the partial installation as such
      await recordOperation(ctx, target, namespace, req.cluster, addon, { ...op, failedStep: step, error: error.slice(0, 500) }, (o) => operationOf(o.metadata?.annotations)?.startedAt === op.startedAt).catch(() => false);
      throw new ServiceError(502, 'k8s-api-error', `the install stopped while ${step}: ${error}; the installation is partial (its status names the missing objects): install again with the same parameters to finish it, or uninstall it`);
    }
    return {
      id: model.names.release,
      addon,
      cluster: { namespace, name: req.cluster },
      namespace: model.names.namespace,
      releases: model.names.releases.map((r) => r.name),
      status: 'Installing' as const,
      unchanged,
      warnings: [...warnings, ...model.warnings],
    };
  });
}
