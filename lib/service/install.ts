/**
 * Install: read the Cluster and its control plane, render the add-on with the same core function the
 * ClusterAddon constructs use (`renderClusterAddon`), and server-side apply every object under one
 * field manager. The same parameters again are an idempotent 202; other parameters are a 409.
 */
import { AddonName, renderClusterAddon } from '../core/addons';
import { Warning, ValidationError } from '../core/rules/errors';
import { Manifest, stableStringify } from '../core/output/manifest';
import { readClusterRef } from './cluster';
import { addonKey, ServiceContext } from './context';
import { fromValidationError, ServiceError } from './errors';
import { apply } from './kube';
import { checkAddon, readReleases } from './releases';

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
  const releases = model.manifests.filter((m) => m.kind === 'HelmRelease');
  const others = model.manifests.filter((m) => m.kind !== 'HelmRelease');

  return ctx.serialize(addonKey(req.namespace, req.cluster, addon), async () => {
    if (ctx.uninstalls.has(addonKey(req.namespace, req.cluster, addon))) {
      throw new ServiceError(409, 'conflict', `add-on ${addon} of cluster ${req.namespace}/${req.cluster} is being uninstalled: wait until its status is gone, then install it again`);
    }
    const { live } = await readReleases(ctx, req.namespace, req.cluster, addon);
    const unchanged = live.size === releases.length;
    for (const desired of releases) {
      const current = live.get(desired.metadata.name!) as { metadata?: { deletionTimestamp?: unknown }; spec?: { values?: unknown } } | undefined;
      if (current === undefined) continue;
      if (current.metadata?.deletionTimestamp !== undefined) {
        throw new ServiceError(409, 'conflict', `add-on ${addon} of cluster ${req.namespace}/${req.cluster} is being uninstalled (HelmRelease ${desired.metadata.name} is being deleted)`);
      }
      // "Same parameters" means the same chart values: {} and the explicit defaults are one install.
      if (stableStringify(current.spec?.values ?? {}) !== stableStringify((desired.spec as { values?: unknown }).values ?? {})) {
        throw new ServiceError(409, 'conflict', `add-on ${addon} is already installed on cluster ${req.namespace}/${req.cluster} with other parameters (HelmRelease ${desired.metadata.name} has other values): uninstall it first`);
      }
    }
    // HelmReleases first, one by one in catalog order (the KubeRay operator before the Ray cluster), then
    // their source, the workload-cluster delivery and the PrometheusRule together; a repeated install
    // re-applies the same objects.
    for (const m of releases as Manifest[]) await apply(ctx.clients, m);
    await Promise.all((others as Manifest[]).map((m) => apply(ctx.clients, m)));
    return {
      id: model.names.release,
      addon,
      cluster: { namespace: req.namespace, name: req.cluster },
      namespace: model.names.namespace,
      releases: model.names.releases.map((r) => r.name),
      status: 'Installing' as const,
      unchanged,
      warnings: [...warnings, ...model.warnings],
    };
  });
}
