/** Reads of an add-on's HelmReleases (on the management cluster, or the workload cluster in tenant mode). */
import { AddonName, AddonNames, addonNames, catalogEntry, HELM_RELEASE_API_VERSION, HelmReleaseObject, isAddonName, unknownAddonMessage } from '../core/addons';
import { ServiceError } from './errors';
import { ServiceContext } from './context';
import { groupVersion, KubeClients, orNotFound } from './kube';

const HR = groupVersion(HELM_RELEASE_API_VERSION);

/** The add-on name of a request, or a 400 `validation-error` naming the catalog. */
export function checkAddon(path: string, value: unknown): AddonName {
  if (isAddonName(value)) return value;
  throw new ServiceError(400, 'validation-error', `unknown add-on ${JSON.stringify(value)}`, [{ path, message: unknownAddonMessage(value) }]);
}

/** The add-on's release names in catalog order, the primary one marked. */
export function releaseList(names: AddonNames, addon: AddonName): { name: string; primary: boolean }[] {
  const charts = catalogEntry(addon).charts;
  return names.releases.map((r) => ({ name: r.name, primary: charts.find((c) => c.component === r.component)!.primary }));
}

/**
 * The live HelmReleases of one add-on of one cluster, by name (absent ones are missing), on `target`:
 * the cluster where they live (the management cluster, in the Cluster's namespace; in tenant mode the
 * workload cluster, in the add-on namespace).
 */
export async function readReleases(ctx: ServiceContext, target: KubeClients, namespace: string, cluster: string, addon: AddonName): Promise<{ names: AddonNames; live: Map<string, HelmReleaseObject> }> {
  const names = addonNames({ name: cluster, namespace }, addon);
  const where = ctx.mode === 'tenant' ? names.namespace : namespace;
  const found = await Promise.all(names.releases.map((r) => orNotFound(`reading HelmRelease ${where}/${r.name}`, () => target.custom.getNamespacedCustomObject({
    group: HR.group, version: HR.version, namespace: where, plural: 'helmreleases', name: r.name,
  }) as Promise<HelmReleaseObject>)));
  const live = new Map<string, HelmReleaseObject>();
  names.releases.forEach((r, i) => { if (found[i] !== undefined) live.set(r.name, found[i]!); });
  return { names, live };
}
