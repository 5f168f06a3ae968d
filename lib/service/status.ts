/**
 * Status: the add-on's phase from its HelmReleases' conditions (core `addonStatusOf`): Installing,
 * Ready, Failed (with the reason) or Uninstalling, plus chart version and last transition time.
 */
import { ADDON_NAMES, AddonName, AddonStatus, addonStatusOf } from '../core/addons';
import { readCluster } from './cluster';
import { addonKey, ServiceContext } from './context';
import { ServiceError } from './errors';
import { checkAddon, readReleases, releaseList } from './releases';

/** The answer of a status request: the add-on's identity and its status. */
export interface StatusAnswer extends AddonStatus {
  id: string;
  addon: AddonName;
  cluster: { namespace: string; name: string };
  namespace: string;
}

/** The status of one add-on, or `undefined` when it is not installed. */
export async function addonStatus(ctx: ServiceContext, namespace: string, cluster: string, addon: AddonName, now = new Date()): Promise<StatusAnswer | undefined> {
  const { names, live } = await readReleases(ctx, namespace, cluster, addon);
  const uninstall = ctx.uninstalls.get(addonKey(namespace, cluster, addon));
  const status = addonStatusOf({
    cluster: { name: cluster, namespace },
    addon,
    mode: ctx.mode,
    releases: releaseList(names, addon),
    live,
    uninstallTimeoutSeconds: ctx.uninstallTimeoutSeconds,
    uninstallStartedAt: uninstall?.startedAt,
    uninstallError: uninstall?.error,
    now,
  });
  if (status === undefined) return undefined;
  return { id: names.release, addon, cluster: { namespace, name: cluster }, namespace: names.namespace, ...status };
}

/** GET .../addons/{addon}: 400 for an add-on not in the catalog, 404 when it is not installed. */
export async function getAddonStatus(ctx: ServiceContext, namespace: string, cluster: string, addon: unknown): Promise<StatusAnswer> {
  const name = checkAddon('addon', addon);
  const status = await addonStatus(ctx, namespace, cluster, name);
  if (status === undefined) throw new ServiceError(404, 'not-found', `add-on ${name} is not installed on cluster ${namespace}/${cluster}`);
  return status;
}

/** GET .../addons: every installed add-on of the cluster (404 when the Cluster does not exist). */
export async function listAddons(ctx: ServiceContext, namespace: string, cluster: string): Promise<{ items: StatusAnswer[] }> {
  await readCluster(ctx.clients, namespace, cluster, ctx.capiVersion);
  const all = await Promise.all(ADDON_NAMES.map((a) => addonStatus(ctx, namespace, cluster, a)));
  return { items: all.filter((s): s is StatusAnswer => s !== undefined) };
}
